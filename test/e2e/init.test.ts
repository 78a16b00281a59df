/** @module `pipe init`: a starter project in a git repository, never overwriting without --force; with --ci github, the promotion workflows for the user's artifact. */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runPipe } from '../helpers/pipe.js';
import { makeRepo, ok, removeRepos } from '../helpers/repo.js';
import { tempDir } from '../helpers/temp-dir.js';

afterAll(removeRepos);

const NEXT = "Next: declare your stages in pipeline.yaml, run 'npx pipe repro', and commit pipeline.yaml, params.yaml, data.lock, .pipe/ and .gitignore.\n";

describe('pipe init', () => {
  it('writes a starter that loads as it is: repro and status run on it, and the files are what git should see', async () => {
    const repo = makeRepo({ '.gitignore': 'node_modules/\n' });
    const r = await ok(repo, ['init']);
    expect(r.stdout).toBe(`wrote pipeline.yaml\nwrote params.yaml\nwrote .pipe/config.yaml\nwrote .gitignore\n${NEXT}`);
    expect(parse(repo.read('pipeline.yaml'))).toEqual({ stages: {} });
    expect(repo.read('pipeline.yaml')).toContain('#   train:\n');
    expect(parse(repo.read('params.yaml'))).toBeNull();
    expect(parse(repo.read('.pipe/config.yaml'))).toBeNull();
    expect(repo.read('.pipe/.gitignore')).toContain('/config.local.yaml\n');
    expect(repo.read('.gitignore')).toBe('node_modules/\n# >>> pipe: cached outs and tracked data (managed by pipe; edits here are overwritten) >>>\n# <<< pipe <<<\n');
    expect((await ok(repo, ['repro'])).stdout).toBe('Everything is up to date.\n');
    expect((await ok(repo, ['status'])).stdout).toBe('No stages in pipeline.yaml.\n');
    expect((await ok(repo, ['remote', 'list'])).stdout).toBe('No remotes. Add one with: pipe remote add NAME URL --default\n');
  });

  it('refuses to overwrite what exists (exit 2, naming the files, writing nothing); --force overwrites, --skip-existing keeps', async () => {
    const repo = makeRepo({ 'pipeline.yaml': 'stages:\n  a: {cmd: echo a}\n', 'params.yaml': 'x: 1\n' });
    const r = await repo.pipe(['init']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: pipe init would overwrite pipeline.yaml, params.yaml in ${repo.dir}; nothing was written. Pass --force to overwrite them, or --skip-existing to keep them and write the rest\n`,
    );
    expect(repo.exists('.pipe/config.yaml')).toBe(false);
    expect(repo.exists('.gitignore')).toBe(false);

    const kept = await ok(repo, ['init', '--skip-existing']);
    expect(kept.stdout).toBe(`wrote .pipe/config.yaml\nwrote .gitignore\nkept pipeline.yaml (it exists)\nkept params.yaml (it exists)\n${NEXT}`);
    expect(repo.read('params.yaml')).toBe('x: 1\n');

    await ok(repo, ['init', '--force']);
    expect(parse(repo.read('pipeline.yaml'))).toEqual({ stages: {} });
    expect(repo.read('params.yaml')).not.toBe('x: 1\n');

    const both = await repo.pipe(['init', '--force', '--skip-existing']);
    expect([both.code, both.stderr]).toEqual([2, 'error: --force and --skip-existing contradict each other: choose one\n']);
  });

  it('outside a git repository exits 2 saying to run git init first, and writes nothing', async () => {
    const dir = tempDir('pipe-init-nogit-');
    const r = await runPipe(dir, ['init']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${dir} is not inside a git repository: pipe versions pipelines, params and data.lock with git; run 'git init' first, then 'pipe init'\n`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--ci github writes the promotion and retrain workflows for the artifact of --model; without it, takes the one model out of a kept pipeline, else says to pass --model', async () => {
    const repo = makeRepo();
    const none = await repo.pipe(['init', '--ci', 'github']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      'error: --ci github needs the artifact to promote and the starter pipeline.yaml declares no stage yet: pass --model PATH (the out the workflows bundle and tag, e.g. models/classifier)\n',
    );
    expect(repo.exists('pipeline.yaml')).toBe(false);

    const r = await ok(repo, ['init', '--ci', 'github', '--model', 'models/clf', '--test-command', 'npm test']);
    expect(r.stdout).toContain('wrote .github/workflows/feature-to-dev.yml\nwrote .github/workflows/dev-to-test.yml\nwrote .github/workflows/test-to-main.yml\nwrote .github/workflows/model-stage.yml\nwrote .github/workflows/rollback.yml\nwrote .github/workflows/retrain.yml\n');
    expect(parse(repo.read('.github/workflows/retrain.yml')).on.repository_dispatch).toEqual({ types: ['drift-detected'] });
    expect(r.stdout).toContain('the workflows promote models/clf as clf in the model registry (clf@vX.Y.Z, stages dev, test, prod): declare it in pipeline.yaml, under artifacts: clf: {path: models/clf}\n');
    const main = repo.read('.github/workflows/test-to-main.yml');
    expect(main).toContain('MODEL_PATH: "models/clf"');
    expect(main).not.toMatch(/\bbin\/|\bdist\/|churn/);
    expect(main).toContain('npx pipe serve build "$MODEL_NAME#prod"');
    expect(repo.read('.github/workflows/feature-to-dev.yml')).toContain('run: "npm test"');

    // A pipeline with one model out, kept: the workflows take it; a second model out is ambiguous.
    repo.write('pipeline.yaml', 'stages:\n  train:\n    cmd: node train.js\n    outs: [models/forest, data/tmp]\n');
    const kept = await ok(repo, ['init', '--ci', 'github', '--skip-existing']);
    expect(kept.stdout).toContain('kept .github/workflows/test-to-main.yml (it exists)\n');
    expect(kept.stdout).not.toContain('the workflows promote');
    rmSync(repo.path('.github'), { recursive: true });
    const taken = await ok(repo, ['init', '--ci', 'github', '--skip-existing', '--model-name', 'forest-v2']);
    expect(taken.stdout).toContain('the workflows promote models/forest as forest-v2 in the model registry (forest-v2@vX.Y.Z, stages dev, test, prod)');
    expect(repo.read('.github/workflows/test-to-main.yml')).toContain('MODEL_NAME: "forest-v2"\n          MODEL_PATH: "models/forest"');
    expect(repo.read('pipeline.yaml')).toContain('models/forest, data/tmp');
    repo.write('pipeline.yaml', 'stages:\n  train:\n    cmd: node train.js\n    outs: [models/forest, models/boost]\n');
    const two = await repo.pipe(['init', '--ci', 'github', '--skip-existing']);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('pipeline.yaml has several cached outs under models/ (models/forest, models/boost): pass --model PATH');
    const upper = await repo.pipe(['init', '--ci', 'github', '--skip-existing', '--model', 'models/forest', '--model-name', 'Forest.v2']);
    expect([upper.code, upper.stderr]).toEqual([2, "error: the model name 'Forest.v2' cannot name an artifact of the model registry (name@vX.Y.Z, name#prod#N): pass --model-name with lowercase letters, digits, '-' and '/', starting and ending with a letter or digit (GTO's names)\n"]);
    const bad = await repo.pipe(['init', '--ci', 'gitlab']);
    expect([bad.code, bad.stderr]).toEqual([2, "error: --ci 'gitlab' is not supported: the one CI pipe writes workflows for is 'github'\n"]);
  });

  it('in a subdirectory of a git repository: the project lives there, the workflows at the top run in it', async () => {
    const repo = makeRepo();
    mkdirSync(repo.path('ml'));
    const r = await runPipe(repo.path('ml'), ['init', '--ci', 'github', '--model', 'models/m']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('wrote ../.github/workflows/dev-to-test.yml\n');
    expect(existsSync(join(repo.dir, 'ml/pipeline.yaml'))).toBe(true);
    expect(parse(repo.read('.github/workflows/dev-to-test.yml')).defaults).toEqual({ run: { 'working-directory': 'ml' } });
  });
});
