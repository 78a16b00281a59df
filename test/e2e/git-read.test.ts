/** @module isomorphic-git is loaded only by commands that read git: not by `pipe --version`, nor by a workspace-only `metrics show`. */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { commitAll, git } from '../helpers/git.js';
import { PIPE_BIN } from '../helpers/pipe.js';
import { makeRepo, removeRepos, type Repo } from '../helpers/repo.js';
import { tempDir } from '../helpers/temp-dir.js';

afterAll(removeRepos);

/** The bundle chunk holding isomorphic-git: the one with its API's error tag for resolveRef. */
function isomorphicGitChunk(): string {
  const chunks = join(dirname(PIPE_BIN), '..', 'dist', 'chunks');
  const found = readdirSync(chunks).filter((f) => f.endsWith('.js') && readFileSync(join(chunks, f), 'utf8').match(/["']git\.resolveRef["']/));
  expect(found, 'exactly one chunk bundles isomorphic-git').toHaveLength(1);
  return found[0] as string;
}

/** Runs pipe with an ESM loader hook that appends every module URL it loads to a log; returns the URLs. */
async function loadedModules(repo: Repo, args: string[]): Promise<string[]> {
  const dir = tempDir('pipe-loads-');
  const log = join(dir, 'loads.log');
  writeFileSync(log, '');
  writeFileSync(
    join(dir, 'hooks.mjs'),
    "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(process.env.PIPE_LOAD_LOG, `${url}\\n`);\n  return next(url, context);\n}\n",
  );
  writeFileSync(join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister(new URL('./hooks.mjs', import.meta.url));\n");
  const r = await repo.pipe(args, { env: { NODE_OPTIONS: `--import=${pathToFileURL(join(dir, 'register.mjs')).href}`, PIPE_LOAD_LOG: log } });
  expect(r.code, r.stderr).toBe(0);
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  expect(urls.some((u) => u.endsWith('/dist/cli/main.js')), 'the hook saw the CLI load').toBe(true);
  return urls;
}

describe('loading isomorphic-git', () => {
  it('happens for a command that reads git, and not for --version or a workspace-only metrics show', async () => {
    const repo = makeRepo({ 'pipeline.yaml': 'stages:\n  s:\n    cmd: x\n    metrics: [m.json]\n', 'm.json': '{"auc": 0.8}\n' });
    commitAll(repo, 'one');
    repo.write('m.json', '{"auc": 0.9}\n');
    commitAll(repo, 'two');
    expect(git(repo, 'rev-list', '--count', 'HEAD').trim()).toBe('2');
    const chunk = isomorphicGitChunk();
    const [version, show, diff] = await Promise.all([
      loadedModules(repo, ['--version']),
      loadedModules(repo, ['metrics', 'show']),
      loadedModules(repo, ['metrics', 'diff', 'HEAD~1', 'HEAD']),
    ]);
    expect(diff.some((u) => u.endsWith(`/${chunk}`))).toBe(true);
    expect(version.some((u) => u.endsWith(`/${chunk}`))).toBe(false);
    expect(show.some((u) => u.endsWith(`/${chunk}`))).toBe(false);
  });
});
