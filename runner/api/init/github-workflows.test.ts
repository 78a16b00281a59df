import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir } from '../../../test/helpers/temp-dir.js';
import { asList, asMap, checkWorkflows, PIPE_CALL } from '../../../test/helpers/workflow-check.js';
import { githubWorkflows, WORKFLOW_FILES } from './github-workflows.js';
import { REGISTRY_SCRIPTS, RETRAIN_PULL_REQUEST_SCRIPT, SERVICE_SMOKE_SCRIPT } from './workflow-scripts.js';

function write(files: Record<string, string>): string {
  const dir = tempDir('pipe-gen-workflows-');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const runs = (text: string): string[] =>
  Object.values(asMap(asMap(parse(text)).jobs)).flatMap((job) => asList(asMap(job).steps).map((s) => String(asMap(s).run ?? '')));

describe('githubWorkflows (pipe init --ci github)', () => {
  it("pass GitHub's workflow parser and the policies this repository's own workflows follow", async () => {
    const top = githubWorkflows({ model: { name: 'clf', path: 'models/clf' }, install: 'npm ci', test: 'npm test', prefix: '' });
    const sub = githubWorkflows({ model: { name: 'fraud-v2', path: 'out/fraud model' }, install: 'npm ci --no-audit', prefix: 'ml/pipeline' });
    expect(Object.keys(top)).toEqual([...WORKFLOW_FILES]);
    const clean = { 'dev-to-test.yml': [], 'feature-to-dev.yml': [], 'model-stage.yml': [], 'retrain.yml': [], 'rollback.yml': [], 'test-to-main.yml': [] };
    expect(await checkWorkflows(write(top))).toEqual(clean);
    expect(await checkWorkflows(write(sub))).toEqual(clean);
  });

  it("use the user's artifact and commands and npx pipe, never this repository's bin/, dist/ or churn", () => {
    const files = githubWorkflows({ model: { name: 'clf', path: 'models/clf' }, install: 'npm ci', test: 'npm run check', prefix: '' });
    const all = Object.values(files).join('\n');
    expect(all).not.toMatch(/\bbin\/|\bdist\/|churn/);
    const commands = new Set(Object.values(files).flatMap(runs).flatMap((r) => [...r.matchAll(PIPE_CALL)].map((m) => m[1])));
    expect([...commands].sort()).toEqual(['gate', 'model', 'pull', 'push', 'remote', 'report', 'repro', 'serve']);
    expect(runs(files['feature-to-dev.yml'])).toContain('npm run check');
    // The merge into each branch gives the user's artifact that branch's stage through model-stage.yml.
    const registry = (f: keyof typeof files) => asMap(asMap(asMap(parse(files[f])).jobs).registry);
    expect([registry('feature-to-dev.yml').with, registry('dev-to-test.yml').with, registry('test-to-main.yml').with]).toEqual([
      { stage: 'dev', model: 'clf' },
      { stage: 'test', model: 'clf' },
      { stage: 'prod', model: 'clf' },
    ]);
    expect(runs(files['model-stage.yml'])).toContain(REGISTRY_SCRIPTS.stage);
    expect(runs(files['rollback.yml'])).toContain(REGISTRY_SCRIPTS.rollback);
    expect(asMap(asMap(asMap(asMap(parse(files['rollback.yml'])).on).workflow_dispatch).inputs).model).toMatchObject({ default: 'clf' });
  });

  it('in a subdirectory of the git repository, run there and key caches on its files', () => {
    const files = githubWorkflows({ model: { name: 'clf', path: 'models/clf' }, install: 'npm ci', prefix: 'ml' });
    const doc = asMap(parse(files['dev-to-test.yml']));
    expect(doc.defaults).toEqual({ run: { 'working-directory': 'ml' } });
    expect(files['dev-to-test.yml']).toContain("hashFiles('ml/data.lock')");
    expect(files['dev-to-test.yml']).toContain('path: "ml/.pipe/cache"');
  });

  it('retrain.yml: weekly, by hand or on drift-detected, reproduces dev and opens a pull request into dev reported against the model in production', () => {
    const files = githubWorkflows({ model: { name: 'clf', path: 'models/clf' }, install: 'npm ci', prefix: '' });
    const doc = asMap(parse(files['retrain.yml']));
    const on = asMap(doc.on);
    expect(Object.keys(on)).toEqual(['schedule', 'workflow_dispatch', 'repository_dispatch']);
    expect(asMap(on.repository_dispatch).types).toEqual(['drift-detected']);
    const steps = asList(asMap(asMap(doc.jobs).retrain).steps).map(asMap);
    expect(asMap(steps.find((s) => String(s.uses).startsWith('actions/checkout@'))?.with)).toEqual({ ref: 'dev', 'fetch-depth': 0, 'fetch-tags': true });
    const all = runs(files['retrain.yml']).join('\n');
    const order = ['npx pipe pull', 'npx pipe repro --pull', 'npx pipe push', 'npx pipe report --base "$MODEL_NAME#prod"', 'gh pr create'].map((x) => all.indexOf(x));
    expect(order.every((i) => i >= 0) && order.every((i, k) => k === 0 || i > (order[k - 1] as number))).toBe(true);
    const report = steps.find((s) => String(s.run).includes('pipe report'));
    const pr = steps.find((s) => s.run === RETRAIN_PULL_REQUEST_SCRIPT);
    expect([asMap(report?.env).MODEL_NAME, asMap(pr?.env).BASE_BRANCH]).toEqual(['clf', 'dev']);
  });

  it("test-to-main.yml's service job builds NAME#prod after the registry job, smoke-tests it and pushes the image tagged with the model version", () => {
    const files = githubWorkflows({ model: { name: 'team/clf', path: 'models/clf' }, install: 'npm ci', prefix: 'ml' });
    const job = asMap(asMap(asMap(parse(files['test-to-main.yml'])).jobs).service);
    expect([job.needs, job.permissions]).toEqual(['registry', { contents: 'read', packages: 'write' }]);
    const steps = asList(job.steps).map(asMap);
    const build = steps.find((s) => s.id === 'build');
    expect(asMap(build?.env).MODEL_NAME).toBe('team/clf');
    expect(String(build?.run)).toContain('npx pipe serve build "$MODEL_NAME#prod" -o "$RUNNER_TEMP/service"');
    expect(steps.find((s) => s.run === SERVICE_SMOKE_SCRIPT)?.['working-directory']).toBe('${{ runner.temp }}/service');
    const push = steps.find((s) => String(s.uses).startsWith('docker/build-push-action@'));
    expect(asMap(push?.with)).toEqual({
      context: '${{ runner.temp }}/service',
      push: true,
      tags: '${{ steps.build.outputs.image }}:${{ steps.build.outputs.version }}\n${{ steps.build.outputs.image }}:prod\n',
    });
  });
});
