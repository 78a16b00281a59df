import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir } from '../../../test/helpers/temp-dir.js';
import { asList, asMap, checkWorkflows, PIPE_CALL } from '../../../test/helpers/workflow-check.js';
import { githubWorkflows, WORKFLOW_FILES } from './github-workflows.js';

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
    const sub = githubWorkflows({ model: { name: 'fraud.v2', path: 'out/fraud model' }, install: 'npm ci --no-audit', prefix: 'ml/pipeline' });
    expect(Object.keys(top)).toEqual([...WORKFLOW_FILES]);
    expect(await checkWorkflows(write(top))).toEqual({ 'dev-to-test.yml': [], 'feature-to-dev.yml': [], 'test-to-main.yml': [] });
    expect(await checkWorkflows(write(sub))).toEqual({ 'dev-to-test.yml': [], 'feature-to-dev.yml': [], 'test-to-main.yml': [] });
  });

  it("use the user's artifact and commands and npx pipe, never this repository's bin/, dist/ or churn", () => {
    const files = githubWorkflows({ model: { name: 'clf', path: 'models/clf' }, install: 'npm ci', test: 'npm run check', prefix: '' });
    const all = Object.values(files).join('\n');
    expect(all).not.toMatch(/\bbin\/|\bdist\/|churn/);
    const commands = new Set(Object.values(files).flatMap(runs).flatMap((r) => [...r.matchAll(PIPE_CALL)].map((m) => m[1])));
    expect([...commands].sort()).toEqual(['gate', 'pull', 'push', 'remote', 'report', 'repro']);
    expect(runs(files['feature-to-dev.yml'])).toContain('npm run check');
    const tag = asMap(parse(files['test-to-main.yml'])).jobs as Record<string, { steps: { env?: Record<string, string>; run?: string }[] }>;
    const next = tag.tag?.steps.find((s) => s.run?.includes('next-model-tag.mjs'));
    expect(next?.run).toContain('node node_modules/pipe-ml/scripts/next-model-tag.mjs --model "$MODEL_NAME" --path "$MODEL_PATH"');
    expect(next?.env).toMatchObject({ MODEL_NAME: 'clf', MODEL_PATH: 'models/clf', LOCK: 'data.lock' });
  });

  it('in a subdirectory of the git repository, run there and key caches on its files', () => {
    const files = githubWorkflows({ model: { name: 'clf', path: 'models/clf' }, install: 'npm ci', prefix: 'ml' });
    const doc = asMap(parse(files['dev-to-test.yml']));
    expect(doc.defaults).toEqual({ run: { 'working-directory': 'ml' } });
    expect(files['dev-to-test.yml']).toContain("hashFiles('ml/data.lock')");
    expect(files['dev-to-test.yml']).toContain('path: "ml/.pipe/cache"');
  });
});
