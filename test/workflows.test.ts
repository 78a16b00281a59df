/**
 * @module The promotion workflows (.github/workflows) pass GitHub's own parser and our policies
 * (test/helpers/workflow-check.ts), and the check itself catches what it should.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXAMPLE_ROW_SCRIPT, REGISTRY_SCRIPTS, RETRAIN_PULL_REQUEST_SCRIPT, SERVICE_SMOKE_SCRIPT } from '../runner/api/init/workflow-scripts.js';
import { FEATURE_SCHEMA_DIALECT, validateRow, type FeatureSchema } from '../serve/model/index.js';
import { customerTable } from '../stages/lib/customer-table.js';
import { featureSchema } from '../stages/lib/feature-schema.js';
import { asList, asMap, checkWorkflows, PIPE_CALL, policyProblems } from './helpers/workflow-check.js';

const WORKFLOWS = join(import.meta.dirname, '../.github/workflows');

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempWorkflows(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-workflows-'));
  temps.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe('.github/workflows', () => {
  it('holds the three promotion workflows, each on pull requests into its branch', () => {
    const triggers = Object.fromEntries(
      ['feature-to-dev.yml', 'dev-to-test.yml', 'test-to-main.yml'].map((f) => {
        const on = asMap(asMap(parse(readFileSync(join(WORKFLOWS, f), 'utf8'))).on);
        return [f, asMap(on.pull_request).branches];
      }),
    );
    expect(triggers).toEqual({ 'feature-to-dev.yml': ['dev'], 'dev-to-test.yml': ['test'], 'test-to-main.yml': ['main'] });
  });

  it("pass GitHub's workflow parser and the policies", async () => {
    const results = await checkWorkflows(WORKFLOWS);
    expect(results).toEqual({ 'dev-to-test.yml': [], 'feature-to-dev.yml': [], 'model-stage.yml': [], 'retrain.yml': [], 'rollback.yml': [], 'test-to-main.yml': [] });
  });

  it('use the pipe commands the promotion flow is made of', () => {
    const used = new Set<string>();
    for (const f of readdirSync(WORKFLOWS)) {
      const jobs = Object.values(asMap(asMap(parse(readFileSync(join(WORKFLOWS, f), 'utf8'))).jobs));
      const runs = jobs.flatMap((job) => asList(asMap(job).steps).map((s) => String(asMap(s).run ?? '')));
      for (const run of runs) for (const m of run.matchAll(PIPE_CALL)) used.add(m[1] as string);
    }
    expect([...used].sort()).toEqual(['--version', 'gate', 'model', 'pull', 'push', 'remote', 'report', 'repro', 'serve']);
  });

  it('on the merge into each branch, give its model the stage of that branch, in registry.stages order, prod after the bundle', () => {
    const read = (f: string) => asMap(parse(readFileSync(join(WORKFLOWS, f), 'utf8')));
    const stages = Object.fromEntries(
      ['feature-to-dev.yml', 'dev-to-test.yml', 'test-to-main.yml'].map((f) => {
        const doc = read(f);
        const job = asMap(asMap(doc.jobs).registry);
        expect([asMap(asMap(doc.on).push).branches, job.uses, asMap(job.permissions).contents]).toEqual([expect.any(Array), './.github/workflows/model-stage.yml', 'write']);
        return [String(asList(asMap(asMap(doc.on).push).branches)[0]), asMap(job.with).stage];
      }),
    );
    expect(stages).toEqual({ dev: 'dev', test: 'test', main: 'prod' });
    expect(asMap(asMap(read('test-to-main.yml').jobs).registry).needs).toBe('bundle');
    // Every checkout that reads or writes the registry has the whole history and every tag.
    for (const f of ['model-stage.yml', 'rollback.yml']) {
      const steps = Object.values(asMap(read(f).jobs)).flatMap((j) => asList(asMap(j).steps).map(asMap));
      const checkout = steps.find((st) => String(st.uses).startsWith('actions/checkout@'));
      expect(asMap(checkout?.with)).toEqual({ 'fetch-depth': 0, 'fetch-tags': true });
    }
    // The same scripts as the workflows pipe init writes for a user's repository.
    const script = (f: string) => Object.values(asMap(read(f).jobs)).flatMap((j) => asList(asMap(j).steps).map((st) => asMap(st).run)).find((r) => String(r).includes('pipe model'));
    expect([script('model-stage.yml'), script('rollback.yml')]).toEqual([REGISTRY_SCRIPTS.stage, REGISTRY_SCRIPTS.rollback]);
    const rollback = read('rollback.yml');
    expect(Object.keys(asMap(rollback.on))).toEqual(['workflow_dispatch']);
    expect(asMap(asMap(asMap(asMap(rollback.on).workflow_dispatch).inputs).stage).default).toBe('prod');
  });
});

describe('.github/workflows/retrain.yml', () => {
  const doc = asMap(parse(readFileSync(join(WORKFLOWS, 'retrain.yml'), 'utf8')));
  const runs = Object.values(asMap(doc.jobs)).flatMap((job) => asList(asMap(job).steps).map((s) => String(asMap(s).run ?? '')));

  it('runs weekly, by hand, and on the drift-detected repository_dispatch an Alertmanager relay sends', () => {
    const on = asMap(doc.on);
    expect(asList(on.schedule).map((s) => String(asMap(s).cron))).toEqual([expect.stringMatching(/^\S+ \S+ \* \* [0-6]$/)]);
    expect(Object.keys(on).sort()).toEqual(['repository_dispatch', 'schedule', 'workflow_dispatch']);
    expect(asMap(on.repository_dispatch).types).toEqual(['drift-detected']);
  });

  it('pulls, reproduces on fresh data, pushes, and opens a pull request into dev reported against churn#prod', () => {
    const all = runs.join('\n');
    const order = ['npx pipe pull', 'doc.setIn(["ingest", "seed"]', 'npx pipe repro', 'npx pipe push', 'npx pipe report --base churn#prod', 'gh pr create --base "$BASE_BRANCH"'].map((s) => all.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const checkout = asList(asMap(asMap(doc.jobs).retrain).steps).map(asMap).find((s) => String(s.uses).startsWith('actions/checkout@'));
    expect(asMap(checkout?.with)).toMatchObject({ ref: 'dev', 'fetch-tags': true });
    // The same pull request step as the retrain.yml pipe init writes, into dev.
    const step = asList(asMap(asMap(doc.jobs).retrain).steps).map(asMap).find((s) => s.run === RETRAIN_PULL_REQUEST_SCRIPT);
    expect(asMap(step?.env).BASE_BRANCH).toBe('dev');
  });
});

describe("test-to-main.yml's service job", () => {
  it('smoke-tests the built service with the script pipe init writes, after the registry job, on the push only', () => {
    const job = asMap(asMap(asMap(parse(readFileSync(join(WORKFLOWS, 'test-to-main.yml'), 'utf8'))).jobs).service);
    expect([job.needs, job.permissions]).toEqual(['registry', { contents: 'read', packages: 'write' }]);
    expect(job.if).toContain("github.event_name == 'push'");
    const smoke = asList(job.steps).map(asMap).find((s) => String(s.name).startsWith('Smoke-test'));
    expect(smoke?.run).toBe(SERVICE_SMOKE_SCRIPT);
  });
});

describe("the smoke test's example row", () => {
  /** The row EXAMPLE_ROW_SCRIPT prints for a model whose model/feature-schema.json is `schema`, run as the workflow runs it. */
  function exampleRow(schema: FeatureSchema): unknown {
    const dir = mkdtempSync(join(tmpdir(), 'pipe-example-row-'));
    temps.push(dir);
    mkdirSync(join(dir, 'model'));
    writeFileSync(join(dir, 'model/feature-schema.json'), JSON.stringify(schema));
    return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', EXAMPLE_ROW_SCRIPT], { cwd: dir, encoding: 'utf8' }));
  }

  it("is a row the service accepts, for the churn model and for a schema of every kind of column pipe's validation knows", () => {
    const churn = featureSchema(customerTable);
    expect(validateRow(churn, exampleRow(churn))).toEqual([]);
    const kinds: FeatureSchema = {
      $schema: FEATURE_SCHEMA_DIALECT,
      type: 'object',
      properties: {
        plan: { enum: [null, 'basic', 'pro'] },
        seats: { type: 'integer', minimum: 1, maximum: 4 },
        ratio: { type: ['number', 'null'], exclusiveMinimum: 0, exclusiveMaximum: 1 },
        age: { type: 'integer', minimum: 18 },
        debt: { type: 'number', maximum: -5 },
        score: { type: 'number' },
        active: { type: 'boolean' },
        region: { type: 'string' },
        version: { const: 2 },
      },
      required: ['plan', 'seats', 'ratio', 'age', 'debt', 'score', 'active', 'region', 'version'],
      additionalProperties: false,
    };
    const row = exampleRow(kinds);
    expect(row).toEqual({ plan: 'basic', seats: 3, ratio: 0.5, age: 19, debt: -6, score: 1, active: true, region: 'x', version: 2 });
    expect(validateRow(kinds, row)).toEqual([]);
  });
});

describe('the workflow check itself', () => {
  const good = readFileSync(join(WORKFLOWS, 'feature-to-dev.yml'), 'utf8');

  it('fails on workflows GitHub would reject', async () => {
    const dir = tempWorkflows({
      'good.yml': good,
      'typo.yml': good.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest'),
      'expression.yml': good.replace('${{ github.event.pull_request.number || github.ref }}\n', '${{ github.event.pull_request.number == }}\n'),
      'step.yml': good.replace('      - run: npm ci\n', '      - run: npm ci\n        uses: actions/checkout@v4\n'),
      'yaml.yml': good.replace('jobs:\n', 'jobs:\n  - oops\n'),
    });
    const results = await checkWorkflows(dir);
    expect(results['good.yml']).toEqual([]);
    // Each one is caught by GitHub's parser itself, whatever the policies say.
    const reported = (pattern: RegExp) => expect.arrayContaining([expect.stringMatching(pattern)]);
    expect(results['typo.yml']).toEqual(reported(/^typo\.yml \(Line: \d+, Col: \d+\): Unexpected value 'runs_on'$/));
    expect(results['expression.yml']).toEqual(reported(/^expression\.yml \(Line: \d+, Col: \d+\): Unexpected end of expression: '=='$/));
    expect(results['step.yml']).toEqual(reported(/^step\.yml \(Line: \d+, Col: \d+\): Unexpected value 'uses'$/));
    expect(results['yaml.yml']?.[0]).toMatch(/^yaml\.yml: All mapping items must start at the same column/);
  });

  it('fails on workflows that break the policies', () => {
    const bad = good
      .replace('  pull_request:\n', '  pull_request_target:\n')
      .replace('permissions:\n  contents: read\n', 'permissions: write-all\n')
      .replace(/ {2}cancel-in-progress: .*\n/, '')
      .replace('actions/setup-node@v4', 'actions/setup-node@main')
      .replace('fetch-depth: 0', 'fetch-depth: 1')
      .replace('run: npx pipe repro', 'run: npx pipe deploy && echo ${{ github.head_ref }}')
      .replace('    timeout-minutes: 30\n', '    timeout-minutes: 30\n    env:\n      TOKEN: ${{ secrets.TOKEN }}\n');
    expect(policyProblems(bad)).toEqual([
      'uses pull_request_target (runs fork code with a write token)',
      'no top-level permissions mapping',
      'smoke: secrets in job-level env (give them to the steps that need them)',
      'smoke: checkout without fetch-depth: 0',
      'smoke: actions/setup-node@main is not pinned to a major version or a commit',
      'smoke: an expression inside a run script (pass it through env)',
      "smoke: 'pipe deploy' is not a pipe command",
    ]);
    expect(policyProblems(good.replace(/ {2}cancel-in-progress: .*\n/, ''))).toEqual(['pull requests must cancel-in-progress']);
    expect(policyProblems(good.replace('          path: node_modules\n', '          path: ~/.npm\n'))).toEqual(['smoke: runs npm ci without caching node_modules']);
    const writer = good.replace('    timeout-minutes: 30\n', '    timeout-minutes: 30\n    permissions:\n      contents: write\n      packages: write\n');
    expect(policyProblems(writer)).toEqual(['smoke: grants contents: write', 'smoke: grants packages: write']);
    // A write token is fine in a workflow no pull request starts (run by hand or called), never in one that they do.
    const byHand = writer.replace(/^on:\n(?: {2}.*\n)+/m, 'on:\n  workflow_dispatch:\n');
    expect(policyProblems(byHand)).toEqual([]);
    expect(policyProblems(good.replace(/ {6}- name: Restore the pipe cache[^\n]*\n(?: {8}.*\n| {10}.*\n)+/, ''))).toEqual([
      'smoke: runs pipe repro/pull/push without caching .pipe/cache',
    ]);
    const chain = (tagIf: string) =>
      `on: push\npermissions:\n  contents: read\nconcurrency:\n  group: g\njobs:\n  gate:\n    if: \${{ github.event_name == 'pull_request' }}\n    runs-on: ubuntu-latest\n    steps: [{run: 'true'}]\n  bundle:\n    needs: gate\n    if: \${{ !cancelled() }}\n    runs-on: ubuntu-latest\n    steps: [{run: 'true'}]\n  tag:\n    needs: bundle\n    if: ${tagIf}\n    runs-on: ubuntu-latest\n    steps: [{run: 'true'}]\n`;
    expect(policyProblems(chain("${{ github.event_name == 'push' }}"))).toEqual([
      'tag: needs bundle, gate (which can be skipped) but its if: lacks !cancelled(), so it would be skipped too',
    ]);
    expect(policyProblems(chain("${{ !cancelled() && github.event_name == 'push' }}"))).toEqual([]);
  });
});
