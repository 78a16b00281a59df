/**
 * @module pipe in someone else's repository: the packed tarball, installed as a devDependency into
 * a fresh git repository with a small non-ML pipeline, brings none of the example's dependencies
 * and runs init, repro, status, push, report and gate there: `npx pipe` finds the installed bin,
 * which then runs each command (each npx costs ~2 s of CPU on its own, more than the command).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { forFile, removeFileDirs, tempDir } from '../helpers/temp-dir.js';
import { MANY_RUNS } from '../helpers/timeouts.js';

const ROOT = join(import.meta.dirname, '../..');
/** npm on a loaded machine, from its cache (--prefer-offline): a hang detector, not a speed check. */
const NPM_MS = 400_000;

afterAll(removeFileDirs);

/** The environment without what `npm test` set for this repository's own scripts (npm_config_*, npm_package_*). */
function cleanEnv(): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))), NO_COLOR: '1' };
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cwd: string, cmd: string, args: readonly string[], timeoutMs = NPM_MS): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function ok(cwd: string, cmd: string, args: readonly string[]): Promise<Run> {
  const r = await run(cwd, cmd, args);
  expect(r.code, `${cmd} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

/** `npx --no -- pipe …`: the project's own bin, never a download of npm's unrelated `pipe`. */
const npxPipeOk = (cwd: string, args: readonly string[]) => ok(cwd, 'npx', ['--no', '--', 'pipe', ...args]);
/** The bin npm installed (node_modules/.bin/pipe, run by its shebang): what `npx pipe` runs, without npm's own start-up. */
const pipe = (cwd: string, args: readonly string[]) => run(cwd, join(cwd, 'node_modules/.bin/pipe'), args);
const pipeOk = (cwd: string, args: readonly string[]) => ok(cwd, join(cwd, 'node_modules/.bin/pipe'), args);

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=pipe tests', '-c', 'user.email=tests@pipe.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });

let tarball: string;
beforeAll(async () => {
  // The suite's build is packed as it is: --ignore-scripts, because `prepare` would rebuild dist/
  // under the other test files' running pipe processes.
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run npm run build first');
  const dir = await forFile(async () => tempDir('pipe-pack-'));
  const packed = await ok(ROOT, 'npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir]);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  if (!info) throw new Error(`npm pack printed no package: ${packed.stdout}`);
  tarball = join(dir, info.filename);
}, NPM_MS + 60_000);

/** A fresh git repository holding a small non-ML project, with the tarball installed as a devDependency. */
async function userProject(): Promise<string> {
  const dir = tempDir('pipe-user-project-');
  git(dir, 'init', '-q');
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'word-counter', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
  await ok(dir, 'npm', ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', tarball]);
  return dir;
}

describe('the packed tarball in a user repository', () => {
  it('holds the CLI build and the schema, and no scripts, sources, tests or example stages', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files).toEqual(expect.arrayContaining(['package/bin/pipe.js', 'package/dist/cli/main.js', 'package/dist/workers/worker.cjs', 'package/runner/pipeline/pipeline.schema.json']));
    expect(files.filter((f) => /^package\/(stages|test|cli|reports|serve|scripts)\/|\.ts$|\.map$/.test(f))).toEqual([]);
  });

  it('installs without the example\'s dependencies and runs init (through npx pipe), repro, status, push, report and gate', async () => {
    const dir = await userProject();
    const installed = readdirSync(join(dir, 'node_modules'));
    expect(installed).toContain('pipe-ml');
    expect(installed.filter((n) => n === '@tensorflow' || n === 'tsx')).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).devDependencies).toHaveProperty('pipe-ml');
    expect((await npxPipeOk(dir, ['--version'])).stdout).toBe(`${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);

    const init = await npxPipeOk(dir, ['init', '--ci', 'github', '--model', 'models/counter']);
    expect(init.stdout).toContain('wrote .github/workflows/test-to-main.yml\n');
    // The registry job runs pipe model from the devDependency: the command is there.
    const stageJob = readFileSync(join(dir, '.github/workflows/model-stage.yml'), 'utf8');
    expect(stageJob).toContain('npx pipe model register "$MODEL_NAME" --bump auto --if-changed --push --json');
    expect((await pipeOk(dir, ['model', 'register', '--help'])).stdout).toContain('--if-changed');
    // The schema the starter pipeline.yaml points editors at is there.
    const schema = /\$schema=(\S+)/.exec(readFileSync(join(dir, 'pipeline.yaml'), 'utf8'))?.[1];
    expect(schema && existsSync(join(dir, schema))).toBe(true);

    // The user replaces the starter with their pipeline: plain Node, no TypeScript runner.
    writeFileSync(
      join(dir, 'pipeline.yaml'),
      'stages:\n  count:\n    cmd: node count.mjs\n    deps: [count.mjs, data/words.txt]\n    params: [count.min_length]\n    outs: [models/counter]\n    metrics: [metrics/count.json]\ngates:\n  - metric: words\n    min: 2\n',
    );
    writeFileSync(join(dir, 'params.yaml'), 'count:\n  min_length: 3\n');
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data/words.txt'), 'the quick brown fox jumps over the lazy dog\n');
    writeFileSync(
      join(dir, 'count.mjs'),
      [
        "import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';",
        "const min = Number(/min_length:\\s*(\\d+)/.exec(readFileSync('params.yaml', 'utf8'))[1]);",
        "const words = readFileSync('data/words.txt', 'utf8').split(/\\s+/).filter((w) => w.length >= min);",
        "mkdirSync('models/counter', { recursive: true });",
        "mkdirSync('metrics', { recursive: true });",
        "writeFileSync('models/counter/words.json', JSON.stringify(words));",
        "writeFileSync('metrics/count.json', JSON.stringify({ words: words.length }));",
        '',
      ].join('\n'),
    );

    expect((await pipeOk(dir, ['repro'])).stdout).toContain('1 stage ran');
    expect(parse(readFileSync(join(dir, 'metrics/count.json'), 'utf8'))).toEqual({ words: 9 });
    expect((await pipeOk(dir, ['status'])).stdout).toBe('count: up to date\nEverything is up to date.\n');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toContain('\n/models/counter\n');

    await pipeOk(dir, ['remote', 'add', 'store', 'store', '--create', '--default']);
    expect((await pipeOk(dir, ['push'])).stdout).toMatch(/^pushed \d+ objects? \(/);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'count words');

    writeFileSync(join(dir, 'params.yaml'), 'count:\n  min_length: 5\n');
    await pipeOk(dir, ['repro']);
    const report = await pipeOk(dir, ['report', '--base', 'HEAD', '-o', 'report.md']);
    expect(report.stderr).toContain('report written to report.md');
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('| metrics/count.json | words | 9 | 3 | -6 |');
    expect(md).toContain('| params.yaml | count.min_length | 3 | 5 |');
    const gate = await pipeOk(dir, ['gate', '--base', 'HEAD']);
    expect(gate.stdout).toMatch(/^words +9 +3 +≥ 2 +pass$/m);
    expect(gate.stderr).toContain('gate passed: 1 rule');

    writeFileSync(join(dir, 'params.yaml'), 'count:\n  min_length: 9\n');
    await pipeOk(dir, ['repro']);
    const failed = await pipe(dir, ['gate', '--base', 'HEAD']);
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stdout).toMatch(/^words +9 +0 +≥ 2 +FAIL: below min 2$/m);
    expect(failed.stderr).toBe('error: gate failed: words (below min 2) (head: workspace, base: HEAD)\n');
  }, MANY_RUNS.timeout);
});
