/**
 * @module The registry step of the promotion (.github/workflows/model-stage.yml), its shell script
 * run as GitHub runs it (bash -eo pipefail) against a temporary repository with an origin, with
 * `npx pipe` pointed at the bin under test: a merge registers a changed model and assigns the
 * branch's stage, an unchanged one is a no-op, a skipped stage fails saying why; and `pipe model
 * register --bump auto --if-changed` itself.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PIPE_BIN } from '../helpers/pipe.js';
import { gitIn, modelRepo } from '../helpers/model-repo.js';
import { ok, removeRepos, type Repo } from '../helpers/repo.js';
import { tempDir } from '../helpers/temp-dir.js';
import { MANY_RUNS } from '../helpers/timeouts.js';
import { asList, asMap } from '../helpers/workflow-check.js';

afterAll(removeRepos);

const WORKFLOWS = join(import.meta.dirname, '../../.github/workflows');

/** The script and env of the workflow's step that runs `pipe model …`, as written in the workflow. */
function modelStep(workflow: 'model-stage.yml' | 'rollback.yml'): { run: string; env: Record<string, string> } {
  const steps = Object.values(asMap(asMap(parse(readFileSync(join(WORKFLOWS, workflow), 'utf8'))).jobs)).flatMap((j) => asList(asMap(j).steps).map(asMap));
  const step = steps.find((s) => String(s.run ?? '').includes('pipe model '));
  if (!step) throw new Error(`${workflow} has no step running pipe model`);
  return { run: String(step.run), env: asMap(step.env) as Record<string, string> };
}

/** modelRepo with registry.stages [dev, test, prod] and a bare origin. */
async function promotionRepo(): Promise<{ repo: Repo; origin: string }> {
  const repo = await modelRepo('registry:\n  stages: [dev, test, prod]\n');
  const origin = tempDir('pipe-origin-');
  execFileSync('git', ['init', '-q', '--bare', origin]);
  gitIn(repo, 'remote', 'add', 'origin', origin);
  return { repo, origin };
}

async function commitModel(repo: Repo, size: number, message: string): Promise<void> {
  repo.write('params.yaml', `size: ${size}\n`);
  await ok(repo, ['repro']);
  gitIn(repo, 'add', '-A');
  gitIn(repo, 'commit', '-qm', message);
}

/** Runs the workflow's step in the repository as GitHub would, for `stage` of churn, with `npx pipe` → the bin under test. */
async function runStep(repo: Repo, stage: string, workflow: 'model-stage.yml' | 'rollback.yml' = 'model-stage.yml'): Promise<{ code: number; stdout: string; stderr: string; summary: string }> {
  const { run, env } = modelStep(workflow);
  const bin = tempDir('pipe-fake-npx-');
  // Only `npx pipe …` is expected; anything else would reach the network, so it fails loudly.
  writeFileSync(join(bin, 'npx'), `#!/bin/sh\n[ "$1" = pipe ] || { echo "unexpected: npx $*" >&2; exit 97; }\nshift\nexec "${process.execPath}" "${PIPE_BIN}" "$@"\n`);
  chmodSync(join(bin, 'npx'), 0o755);
  const summary = join(bin, 'summary.md');
  writeFileSync(summary, '');
  const vars = { ...env, MODEL_NAME: 'churn', STAGE: stage, GITHUB_ACTOR: 'octocat' };
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', run],
      { cwd: repo.dir, env: { ...process.env, ...vars, PATH: `${bin}:${process.env.PATH ?? ''}`, GITHUB_STEP_SUMMARY: summary, NO_COLOR: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr, summary: readFileSync(summary, 'utf8') }),
    );
  });
}

const tags = (dir: string) => execFileSync('git', ['for-each-ref', 'refs/tags', '--format=%(refname:short) %(taggername)', '--sort=refname'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').filter(Boolean);

describe('the registry step of the promotion (model-stage.yml)', () => {
  it('registers a changed model and assigns the stage, pushes both, is a no-op for an unchanged one, and fails a skipped stage', MANY_RUNS, async () => {
    const { repo, origin } = await promotionRepo();
    const bot = 'github-actions[bot]';

    // The merge into dev: the first version (v1.0.0, as the old tag script started) holds dev.
    const dev = await runStep(repo, 'dev');
    expect([dev.code, dev.stderr]).toEqual([0, '']);
    expect(dev.summary).toBe("Registered churn@v1.0.0 (churn@v1.0.0).\nCreated git tag 'churn#dev#1': churn@v1.0.0 now holds 'dev'; pushed to 'origin'\n");
    expect(tags(origin)).toEqual([`churn#dev#1 ${bot}`, `churn@v1.0.0 ${bot}`]);

    // The merge into test: a new commit (docs only), the same model: no new version, stage test.
    repo.write('README.md', 'docs\n');
    gitIn(repo, 'add', '-A');
    gitIn(repo, 'commit', '-qm', 'Merge dev into test');
    const test = await runStep(repo, 'test');
    expect([test.code, test.summary]).toEqual([0, "No new version: churn@v1.0.0 holds this model already.\nCreated git tag 'churn#test#2': churn@v1.0.0 now holds 'test'; pushed to 'origin'\n"]);

    // A re-run (or a merge that changed nothing of the model) writes nothing and succeeds.
    const again = await runStep(repo, 'test');
    expect([again.code, again.summary]).toEqual([0, "No new version: churn@v1.0.0 holds this model already.\nchurn@v1.0.0 holds 'test' already: nothing to assign.\n"]);
    expect(tags(origin)).toHaveLength(3);

    // A new model merged into dev with [model:minor] in a message since v1.0.0: v1.1.0.
    await commitModel(repo, 2, 'Retrain on more rows [model:minor]');
    gitIn(repo, 'commit', '-q', '--allow-empty', '-m', 'Merge pull request #7 from acme/more-rows');
    const next = await runStep(repo, 'dev');
    expect([next.code, next.summary]).toEqual([0, "Registered churn@v1.1.0 (churn@v1.1.0).\nCreated git tag 'churn#dev#3': churn@v1.1.0 now holds 'dev' (it was churn@v1.0.0); pushed to 'origin'\n"]);

    // Straight to main (prod) without going through test: refused, saying why, nothing pushed.
    const skipped = await runStep(repo, 'prod');
    expect(skipped.code).toBe(2);
    expect(skipped.stderr).toBe("error: churn@v1.1.0 never held 'test', which comes before 'prod' (registry.stages: dev, test, prod): assign test first, or pass --force\n");
    expect(tags(origin)).toEqual([`churn#dev#1 ${bot}`, `churn#dev#3 ${bot}`, `churn#test#2 ${bot}`, `churn@v1.0.0 ${bot}`, `churn@v1.1.0 ${bot}`]);
  });
});

describe('the rollback workflow (rollback.yml)', () => {
  it('gives the stage back to the version before, pushes the tag and says so in the summary; with nothing to go back to, fails saying why', MANY_RUNS, async () => {
    const { repo, origin } = await promotionRepo();
    for (const stage of ['dev', 'test', 'prod']) expect((await runStep(repo, stage)).code).toBe(0);
    const only = await runStep(repo, 'prod', 'rollback.yml');
    expect(only.code).toBe(2);
    expect(only.summary).toBe("## Rollback of churn#prod (asked by octocat)\nRollback failed (exit 2):\n\nerror: churn@v1.0.0 is the only version that has held 'prod': nothing to roll back to\n");

    await commitModel(repo, 2, 'model 2');
    for (const stage of ['dev', 'test', 'prod']) expect((await runStep(repo, stage)).code).toBe(0);
    const back = await runStep(repo, 'prod', 'rollback.yml');
    expect([back.code, back.stderr]).toEqual([0, '']);
    const [said, blank, ...table] = back.summary.split('\n').slice(1);
    expect([said, blank]).toEqual(["Created git tag 'churn#prod#7': churn@v1.0.0 now holds 'prod' (it was churn@v1.0.1); pushed to 'origin'", '']);
    // The registry afterwards, as a Markdown table: prod is back on v1.0.0.
    expect(table.slice(0, 2)).toEqual(['| Version | Stages | Commit | Registered | By | Note |', '| --- | --- | --- | --- | --- | --- |']);
    expect(table.slice(2).map((row) => row.split(' | ').slice(0, 2).join(' | '))).toEqual(['| v1.0.1 | dev, test', '| v1.0.0 | prod', '']);
    expect(tags(origin)).toContain('churn#prod#7 github-actions[bot]');
  });
});

describe('pipe model register --bump auto --if-changed', () => {
  it('bumps from the commit messages since the latest version; an unchanged model exits 0 naming its version', MANY_RUNS, async () => {
    const { repo } = await promotionRepo();
    const first = await ok(repo, ['model', 'register', 'churn', '--bump', 'auto']);
    expect(first.stdout).toContain("Created git tag 'churn@v1.0.0'");
    const v1 = gitIn(repo, 'rev-parse', '--short=7', 'HEAD');

    // Unchanged: without --if-changed a refusal (exit 2); with it, exit 0 and which version holds it.
    gitIn(repo, 'commit', '-q', '--allow-empty', '-m', 'docs [model:major]');
    expect((await repo.pipe(['model', 'register', 'churn', '--bump', 'auto'])).code).toBe(2);
    const same = await ok(repo, ['model', 'register', 'churn', '--bump', 'auto', '--if-changed']);
    expect(same.stdout).toMatch(new RegExp(`^No new version: churn@v1\\.0\\.0 \\(${v1}\\) holds this content already \\(models/churn sha256:[0-9a-f]{8}…\\)\\n$`));
    const json = JSON.parse((await ok(repo, ['model', 'register', 'churn', '--if-changed', '--json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ created: false, version: 'v1.0.0', tag: 'churn@v1.0.0', pushed: false });

    // The [model:major] of the docs commit is in the range too: the next model is v2.0.0.
    await commitModel(repo, 2, 'model 2');
    const major = JSON.parse((await ok(repo, ['model', 'register', 'churn', '--bump', 'auto', '--if-changed', '--json'])).stdout) as Record<string, unknown>;
    expect(major).toMatchObject({ created: true, version: 'v2.0.0', tag: 'churn@v2.0.0' });
    await commitModel(repo, 3, 'model 3');
    expect((await ok(repo, ['model', 'register', 'churn', '--bump', 'auto'])).stdout).toContain("Created git tag 'churn@v2.0.1'");

    const bad = await repo.pipe(['model', 'register', 'churn', '--bump', 'huge']);
    expect([bad.code, bad.stderr]).toEqual([2, "error: --bump takes major, minor, patch or auto, not 'huge' (pipe model register)\n"]);
  });
});
