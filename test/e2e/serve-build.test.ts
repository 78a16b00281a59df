/**
 * @module `pipe serve build` as a user deploys it: the built CLI writes a service for a tiny model
 * package, the directory is copied away from any repository, its runtime dependencies installed
 * with `npm ci --omit=dev` (as the Dockerfile does; from the npm cache), and `node server.js`
 * answers as `pipe serve` does and stops with exit 0 on SIGTERM. The Dockerfile is checked
 * statically (no Docker daemon here).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftedPackage } from '../helpers/candidate-packages.js';
import { writeTinyPackage, type TinyRow } from '../helpers/model-package.js';
import { runPipe, startPipe } from '../helpers/pipe.js';
import { makeRepo, ok, template } from '../helpers/repo.js';
import { forFile, removeFileDirs, tempDir } from '../helpers/temp-dir.js';
import { MANY_RUNS } from '../helpers/timeouts.js';
import { waitUntil } from '../helpers/wait-until.js';

const READY = /^Serving (\S+).* at (http:\/\/127\.0\.0\.1:\d+) \(engine: ([^)]+)\)$/m;
const repoLock = join(import.meta.dirname, '..', '..', 'package-lock.json');

let project: string;
let rows: TinyRow[];

beforeAll(async () => {
  await forFile(async () => {
    // A user's project: their lockfile (which pins TensorFlow.js) and a model package directory literally named build.
    project = tempDir('pipe-serve-build-');
    cpSync(repoLock, join(project, 'package-lock.json'));
    rows = await writeTinyPackage(join(project, 'build'));
  });
}, 300_000);

afterAll(removeFileDirs);

/** `node server.js` in a built service on a free port of 127.0.0.1, without the access log: its output so far (live) and its exit. */
function startBuilt(service: string): { child: ChildProcess; readonly out: string; readonly err: string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['server.js'], { cwd: service, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', PIPE_SERVE_ACCESS_LOG: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return {
    child,
    get out() {
      return out;
    },
    get err() {
      return err;
    },
    exited,
  };
}

/**
 * A repository whose stage train copies the tiny package (and a notes/ directory) to models/churn
 * (artifact churn) with param train.epochs and a metrics file, data/raw.csv added by `pipe add`;
 * committed and registered as churn@v1.2.0, which holds stage prod.
 */
const churnRepo = template(async () => {
  const repo = makeRepo({
    'pipeline.yaml': [
      'stages:',
      '  train:',
      `    cmd: rm -rf models/churn && mkdir -p models && cp -r pkg models/churn && echo '{"auc":0.875}' > metrics.json`,
      '    deps: [pkg]',
      '    params: [train.epochs]',
      '    outs: [models/churn]',
      '    metrics: [{metrics.json: {cache: false}}]',
      'artifacts:',
      '  churn: {path: models/churn, type: model}',
      '',
    ].join('\n'),
    'params.yaml': 'train:\n  epochs: 7\n',
    'data/raw.csv': 'id\n1\n',
    'pkg/notes/README.txt': 'how this model was made\n',
  });
  cpSync(join(project, 'build'), repo.path('pkg'), { recursive: true });
  await ok(repo, ['add', 'data/raw.csv']);
  await ok(repo, ['repro']);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo.dir, stdio: 'pipe' });
  git('config', 'user.name', 'Reg Istrar');
  git('config', 'user.email', 'reg@example.com');
  git('add', '-A');
  git('commit', '-qm', 'model');
  await ok(repo, ['model', 'register', 'churn', '--version', 'v1.2.0']);
  await ok(repo, ['model', 'assign', 'churn', '--version', 'v1.2.0', '--stage', 'prod']);
  return repo;
});

/** Every file and directory under `dir` (itself '.'), relative path → permission bits. */
function modesUnder(dir: string, rel = '.'): Record<string, number> {
  const here = { [rel]: statSync(join(dir, rel)).mode & 0o777 };
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const path = rel === '.' ? e.name : `${rel}/${e.name}`;
    Object.assign(here, e.isDirectory() ? modesUnder(dir, path) : { [path]: statSync(join(dir, path)).mode & 0o777 });
  }
  return here;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The instructions of a Dockerfile: continuation lines joined, comments dropped, split into stages at each FROM. */
function dockerStages(text: string): { instruction: string; args: string }[][] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: { instruction: string; args: string }[][] = [];
  for (const line of lines) {
    const [, instruction = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (instruction.toUpperCase() === 'FROM') stages.push([]);
    stages.at(-1)?.push({ instruction: instruction.toUpperCase(), args });
  }
  return stages;
}

describe('pipe serve build', MANY_RUNS, () => {
  it('writes a service that runs outside the repository with node server.js, answers as pipe serve does, and stops with 0 on SIGTERM', async () => {
    const built = await runPipe(project, ['serve', 'build', './build', '-o', 'out']);
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    expect(built.stdout).toMatch(/^Wrote the service for tiny to out$/m);
    expect(built.stdout).toMatch(/^Run it: cd out && npm ci --omit=dev && node server\.js /m);
    for (const file of ['server.js', 'service.json', 'package.json', 'package-lock.json', 'Dockerfile', '.dockerignore', 'model/model.json', 'model/feature-schema.json']) {
      expect(existsSync(join(project, 'out', file)), file).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(project, 'out', 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies?: unknown };
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']);
    expect(manifest.devDependencies).toBeUndefined();

    // Away from the project and from pipe's own node_modules: only what the directory holds.
    const service = join(tempDir('pipe-service-'), 'service');
    cpSync(join(project, 'out'), service, { recursive: true });
    execFileSync('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: service, stdio: 'pipe', timeout: 240_000 });

    const svc = startBuilt(service);
    const { child, exited } = svc;
    const reference = startPipe(project, ['serve', './build', '--port', '0', '--no-access-log']);
    try {
      await waitUntil(() => READY.test(svc.out) || child.exitCode !== null, 'the built service to print its ready line', { timeoutMs: 180_000 });
      expect(svc.err).not.toMatch(/internal error/);
      // Copied elsewhere and installed, model/ is still what the build wrote and recorded.
      expect(svc.err).not.toMatch(/differs from what pipe serve build wrote/);
      const url = READY.exec(svc.out)?.[2] ?? '';
      expect(url, `stdout: ${svc.out}\nstderr: ${svc.err}`).not.toBe('');
      expect((await fetch(`${url}/health/ready`)).status).toBe(200);
      await reference.waitForStdout(READY, 180_000);
      const referenceUrl = READY.exec(reference.stdout())?.[2] ?? '';

      const fromService = await post(`${url}/predict`, rows[3]);
      expect(fromService.status).toBe(200);
      const fromPipe = await post(`${referenceUrl}/predict`, rows[3]);
      expect(await fromService.json()).toEqual(await fromPipe.json());
      const model = (await (await fetch(`${url}/model`)).json()) as { name: string; source: string };
      expect(model).toMatchObject({ name: 'tiny', source: 'directory' });
      // KServe V2 server metadata: pipe's version, recorded when the service was built (no pipe package.json is above it).
      const pipeVersion = (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
      expect(await (await fetch(`${url}/v2`)).json()).toEqual({ name: 'pipe', version: pipeVersion, extensions: [] });
    } finally {
      child.kill('SIGTERM');
      reference.child.kill('SIGTERM');
      await reference.done;
    }
    expect(await exited).toBe(0);
    expect(svc.err).toMatch(/stopped/);
  });

  it('writes a Dockerfile with a build stage installing runtime dependencies only, a non-root runtime and a HEALTHCHECK on /health/ready, and a server.js that refuses arguments', async () => {
    const built = await runPipe(project, ['serve', 'build', './build', '-o', 'docker']);
    expect(built.code).toBe(0);
    const stages = dockerStages(readFileSync(join(project, 'docker', 'Dockerfile'), 'utf8'));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const [buildStage = [], runtime = []] = [stages[0], stages.at(-1)];
    expect(buildStage.find((i) => i.instruction === 'RUN')?.args).toMatch(/npm ci --omit=dev/);
    expect(runtime.find((i) => i.instruction === 'FROM')?.args).toMatch(/^node:\d+-slim$/);
    const user = runtime.filter((i) => i.instruction === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(runtime.find((i) => i.instruction === 'HEALTHCHECK')?.args).toMatch(/\/health\/ready/);
    expect(runtime.find((i) => i.instruction === 'EXPOSE')?.args).toBe('8080');
    expect(runtime.at(-1)).toEqual({ instruction: 'CMD', args: '["node", "server.js"]' });
    // Everything the runtime stage copies from the context is in the service directory.
    for (const copy of runtime.filter((i) => i.instruction === 'COPY' && !i.args.includes('--from='))) {
      const sources = copy.args.split(/\s+/).filter((a) => !a.startsWith('--')).slice(0, -1);
      for (const source of sources) expect(existsSync(join(project, 'docker', source)), source).toBe(true);
    }

    // server.js takes no arguments: one is refused naming the variables (it would be ignored), --help lists those docs/ci.md documents.
    const server = (...args: string[]) => spawnSync(process.execPath, ['server.js', ...args], { cwd: join(project, 'docker'), encoding: 'utf8', timeout: 60_000 });
    const refused = server('--port', '18100', '--api-key=s3cr3t', '-ks3cr3t', '--token', '-s3cr3t');
    expect([refused.status, refused.stdout]).toEqual([2, '']);
    // Options are named, never their values (a key given on the command line stays out of the logs).
    expect(refused.stderr).toMatch(/^error: server\.js takes no arguments \(got 6 arguments: --port --api-key --token\); it is configured by environment variables: PORT, HOST, .*PIPE_SERVE_THRESHOLD/);
    expect(refused.stderr).not.toContain('s3cr3t');
    const help = server('--help');
    expect([help.status, help.stderr]).toEqual([0, '']);
    const ciDoc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'ci.md'), 'utf8');
    const documented = [...ciDoc.slice(ciDoc.indexOf('## Deploying the service')).matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toContain('PORT');
    for (const name of documented) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('refuses a non-empty output directory without --force (exit 2) and leaves it untouched; --force replaces it; refuses one below a file', async () => {
    const dir = join(project, 'taken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    const refused = await runPipe(project, ['serve', 'build', './build', '-o', 'taken']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: taken exists and is not an empty directory; .*--force/m);
    expect(readFileSync(join(dir, 'keep.txt'), 'utf8')).toBe('mine');
    const forced = await runPipe(project, ['serve', 'build', './build', '-o', 'taken', '--force']);
    expect(forced.code).toBe(0);
    expect(existsSync(join(dir, 'keep.txt'))).toBe(false);
    expect(existsSync(join(dir, 'server.js'))).toBe(true);

    // A file where a directory of the path should be: named, not an internal error, with --force too.
    writeFileSync(join(project, 'afile'), 'a file');
    const below = await runPipe(project, ['serve', 'build', './build', '-o', 'afile/sub', '--force']);
    expect([below.code, below.stdout]).toEqual([2, '']);
    expect(below.stderr).toBe('error: -o afile/sub cannot be made: afile is a file, not a directory; choose another -o DIR (pipe serve build)\n');
  });

  it('refuses, even with --force, to replace the repository it runs in or an ancestor, or to write into its .git/ or .pipe/ (symlinks followed)', async () => {
    const repo = tempDir('pipe-serve-build-repo-');
    execFileSync('git', ['init', '-q', repo]);
    writeFileSync(join(repo, 'mine.txt'), 'keep me');
    const link = join(tempDir('pipe-serve-build-link-'), 'to-repo');
    symlinkSync(realpathSync(repo), link);
    for (const out of ['.', '..', '.git/hooks', '.pipe/x', join(link, '.git/refs')]) {
      const r = await runPipe(repo, ['serve', 'build', join(project, 'build'), '-o', out, '--force']);
      expect([r.code, r.stdout], out).toEqual([2, '']);
      expect(r.stderr, out).toMatch(/^error: pipe serve build: (\S+ (\(through a symlink, \S+\) )?holds the repository|-o \S+ (\(through a symlink, \S+\) )?is inside \.(git|pipe)\/)/);
    }
    expect(readFileSync(join(repo, 'mine.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(join(repo, '.git/HEAD'))).toBe(true);
  });

  it('refuses, even with --force, an -o that is, lies in or holds a path data.lock tracks, and leaves it untouched', async () => {
    const repo = await churnRepo();
    const cases = [
      ['models/churn', 'is models/churn', 'an out of stage train'],
      ['models/churn/sub', 'is inside models/churn', 'an out of stage train'],
      ['models', 'holds models/churn', 'an out of stage train'],
      ['data', 'holds data/raw.csv', 'data added with pipe add'],
    ] as const;
    for (const [out, how, what] of cases) {
      const r = await repo.pipe(['serve', 'build', '-o', out, '--force']);
      expect([r.code, r.stdout], out).toEqual([2, '']);
      expect(r.stderr, out).toMatch(new RegExp(`^error: pipe serve build: -o \\S+ ${escape(how)}, which data\\.lock tracks \\(${escape(what)}\\); choose another directory with -o DIR$`, 'm'));
    }
    expect(existsSync(repo.path('models/churn/model.json'))).toBe(true);
    expect(repo.read('data/raw.csv')).toBe('id\n1\n');
  });

  it('from a repository, writes model/ as files 0644 in directories 0755, whatever modes the workspace has', async () => {
    const repo = await churnRepo();
    // As the workspace has them when linked from the cache (read-only), and a directory private to its owner.
    for (const [path, mode] of Object.entries(modesUnder(repo.path('models/churn')))) chmodSync(repo.path(`models/churn/${path}`), path === 'notes' ? 0o700 : path === '.' ? mode : 0o444);
    const service = join(tempDir('pipe-serve-build-service-'), 'service');
    // Modes are not content: the workspace still holds data.lock's model, and the build says nothing of it.
    expect((await ok(repo, ['serve', 'build', '-o', service])).stderr).toBe('');
    const modes = modesUnder(join(service, 'model'));
    expect(Object.keys(modes).sort()).toEqual(['.', 'feature-schema.json', 'metadata.json', 'model.json', 'notes', 'notes/README.txt', 'preprocessing.json', 'reference-profile.json', 'weights.bin']);
    for (const [path, mode] of Object.entries(modes)) expect(mode.toString(8), path).toBe(path === '.' || path === 'notes' ? '755' : '644');
    // An edited workspace model is built as it is, and the build says so (the service itself has no workspace to speak of).
    chmodSync(repo.path('models/churn/notes'), 0o755);
    repo.write('models/churn/notes/extra.txt', 'edited by hand\n');
    const edited = await ok(repo, ['serve', 'build', '-o', service, '--force']);
    expect(edited.stderr).toMatch(/^note: the workspace's models\/churn differs from what data\.lock records \(edited, or not checked out\): the service holds its files as they are, with no version or commit;/);
    expect(JSON.parse(readFileSync(join(service, 'service.json'), 'utf8')).model).toMatchObject({ modified: true });
  });

  it("serves model/ files replaced after the build (SIGHUP) without the build's version, commit, hash, stage, params and metrics, and says so; the build's files back, its identity back", async () => {
    const repo = await churnRepo();
    const service = join(tempDir('pipe-serve-build-reload-'), 'service');
    await ok(repo, ['serve', 'build', 'churn#prod', '-o', service]);
    // The runtime dependencies from pipe's own node_modules (installing them is the first test's part).
    symlinkSync(join(import.meta.dirname, '..', '..', 'node_modules'), join(service, 'node_modules'));
    const svc = startBuilt(service);
    const { child, exited } = svc;
    const getJson = async (url: string) => (await (await fetch(url)).json()) as Record<string, unknown>;
    const reloads = () => svc.err.match(/SIGHUP: now serving/g)?.length ?? 0;
    try {
      await waitUntil(() => READY.test(svc.out) || child.exitCode !== null, 'the built service to print its ready line', { timeoutMs: 180_000 });
      const url = READY.exec(svc.out)?.[2] ?? '';
      expect(url, `stdout: ${svc.out}\nstderr: ${svc.err}`).not.toBe('');
      const identity = { name: 'churn', version: 'v1.2.0', stage: 'prod', source: 'registry', params: { 'train.epochs': 7 }, metrics: { 'metrics.json': { auc: 0.875 } } };
      const built = await getJson(`${url}/model`);
      expect(built).toMatchObject(identity);
      expect(built.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(built.hash).toMatch(/^sha256:/);

      // Another training's weights in place of the build's, then the signal, as the docs say.
      const weights = join(service, 'model', 'weights.bin');
      const original = readFileSync(weights);
      cpSync(join(shiftedPackage(join(project, 'build'), join(tempDir('pipe-serve-build-shifted-'), 'shifted')), 'weights.bin'), weights);
      child.kill('SIGHUP');
      await waitUntil(() => reloads() === 1 || child.exitCode !== null, 'the reload after SIGHUP', { timeoutMs: 120_000 });
      expect(svc.err).toContain("model/ differs from what pipe serve build wrote (weights.bin): serving it without the build's version\n");
      expect(svc.err).toMatch(/SIGHUP: now serving churn unversioned \(was churn v1\.2\.0\)/);
      // Nothing of the build is claimed; the params are the package's own (metadata.json), as for a plain directory.
      expect(await getJson(`${url}/model`)).toMatchObject({ name: 'churn', version: null, stage: null, commit: null, hash: null, metrics: null, params: { epochs: 5, lr: 0.05 } });
      expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^pipe_serve_model_info\{name="churn",version="",commit="",stage="",/m);
      const predicted = await post(`${url}/predict`, rows[3]);
      expect(predicted.headers.get('x-model-version')).toBe('unversioned');
      expect(((await predicted.json()) as { model: unknown }).model).toEqual({ name: 'churn', version: null });

      writeFileSync(weights, original);
      child.kill('SIGHUP');
      await waitUntil(() => reloads() === 2 || child.exitCode !== null, 'the second reload after SIGHUP', { timeoutMs: 120_000 });
      expect(svc.err).toMatch(/SIGHUP: now serving churn v1\.2\.0 \(was churn unversioned\)/);
      expect(await getJson(`${url}/model`)).toMatchObject(identity);
      expect(svc.err.match(/differs from what pipe serve build wrote/g)).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('needs -o DIR (exit 2) and says so', async () => {
    const r = await runPipe(project, ['serve', 'build', './build']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: pipe serve build needs -o DIR/m);
  });

  it('outside any project with a package-lock.json, writes none and says to run npm install (npm ci needs a lockfile)', async () => {
    const bare = tempDir('pipe-serve-build-bare-');
    const r = await runPipe(bare, ['serve', 'build', join(project, 'build'), '-o', 'out']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(existsSync(join(bare, 'out', 'package-lock.json'))).toBe(false);
    expect(r.stdout).toMatch(/^Wrote the service for tiny to out \(no package-lock\.json: .*\)$/m);
    expect(r.stdout).toMatch(/^Run it: cd out && npm install --omit=dev && node server\.js /m);
  });
});
