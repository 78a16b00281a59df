/**
 * @module The promotion workflows (.github/workflows) pass GitHub's own parser and our policies:
 * least-privilege permissions, no pull_request_target, concurrency, pinned action majors, full
 * history for `--base`, caches, secrets only where used, no expressions inside scripts, and only
 * `pipe` commands that exist.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as WorkflowParser from '@actions/workflow-parser';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadAllCommands } from '../cli/commands.js';

/** Every pipe command, with its subcommands: a workflow may only call these. */
const COMMANDS = await loadAllCommands();

const WORKFLOWS = join(import.meta.dirname, '../.github/workflows');

type Map = Record<string, unknown>;
const isMap = (v: unknown): v is Map => v !== null && typeof v === 'object' && !Array.isArray(v);
const asMap = (v: unknown): Map => (isMap(v) ? v : {});
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * @actions/workflow-parser imports its JSON schema without `with { type: 'json' }`: bundlers
 * accept that, Node (and so vitest, which leaves node_modules to Node) refuses it. esbuild bundles
 * the package, unchanged, into one ESM file that Node loads.
 */
let parser: typeof WorkflowParser;
const bundleDir = mkdtempSync(join(tmpdir(), 'pipe-workflow-parser-'));
beforeAll(async () => {
  const outfile = join(bundleDir, 'workflow-parser.mjs');
  const stdin = { contents: "export * from '@actions/workflow-parser';", resolveDir: import.meta.dirname };
  await build({ stdin, bundle: true, format: 'esm', platform: 'node', outfile, logLevel: 'error' });
  parser = (await import(pathToFileURL(outfile).href)) as typeof WorkflowParser;
});
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

/** What GitHub's workflow parser reports: schema errors, bad expressions, conversion errors. */
async function parserErrors(name: string, content: string): Promise<string[]> {
  const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = parser;
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (result.value === undefined) return errors.length > 0 ? errors : [`${name}: not a workflow`];
  const template = await convertWorkflowTemplate(result.context, result.value);
  return [...new Set([...errors, ...(template.errors ?? []).map((e) => e.Message)])];
}

const PIPE_CALL = /(?:npx\s+pipe|node\s+bin\/pipe\.js)\s+(--version|[a-z][a-z-]*)(?:\s+([a-z][a-z-]*))?/g;
const WRITABLE_IN_PR_JOBS = new Set(['pull-requests', 'statuses']);

/** Our rules for the workflows, as one message per broken rule. */
function policyProblems(content: string): string[] {
  const problems: string[] = [];
  let doc: Map;
  try {
    doc = asMap(parse(content));
  } catch (err) {
    return [`not valid YAML: ${(err as Error).message.split('\n')[0]}`];
  }
  const on = doc.on;
  const events = typeof on === 'string' ? [on] : Array.isArray(on) ? on.map(String) : Object.keys(asMap(on));
  if (events.includes('pull_request_target')) problems.push('uses pull_request_target (runs fork code with a write token)');

  const top = doc.permissions;
  if (!isMap(top)) problems.push('no top-level permissions mapping');
  else {
    if (top.contents !== 'read') problems.push('top-level permissions must grant contents: read');
    for (const [scope, level] of Object.entries(top)) if (level === 'write') problems.push(`top-level permissions grant ${scope}: write`);
  }
  const concurrency = asMap(doc.concurrency);
  if (typeof concurrency.group !== 'string') problems.push('no top-level concurrency group');
  const cancel = concurrency['cancel-in-progress'];
  if (events.includes('pull_request') && cancel !== true && !(typeof cancel === 'string' && cancel.includes("'pull_request'"))) {
    problems.push('pull requests must cancel-in-progress');
  }
  if (JSON.stringify(doc.env ?? {}).includes('secrets.')) problems.push('secrets in workflow-level env');

  for (const [id, raw] of Object.entries(asMap(doc.jobs))) {
    const job = asMap(raw);
    const steps = asList(job.steps).map(asMap);
    const perms = job.permissions;
    if (perms !== undefined && !isMap(perms)) problems.push(`${id}: permissions must be a mapping`);
    for (const [scope, level] of Object.entries(asMap(perms))) {
      if (level !== 'write') continue;
      const pushOnly = typeof job.if === 'string' && job.if.includes("github.event_name == 'push'");
      if (scope === 'contents' ? !pushOnly : !WRITABLE_IN_PR_JOBS.has(scope)) problems.push(`${id}: grants ${scope}: write`);
    }
    if (JSON.stringify(job.env ?? {}).includes('secrets.')) problems.push(`${id}: secrets in job-level env (give them to the steps that need them)`);
    const runs = steps.map((s) => (typeof s.run === 'string' ? s.run : '')).join('\n');
    for (const step of steps) {
      const uses = typeof step.uses === 'string' ? step.uses : undefined;
      const run = typeof step.run === 'string' ? step.run : undefined;
      const w = asMap(step.with);
      if (uses && !/@(v\d+|[0-9a-f]{40})$/.test(uses)) problems.push(`${id}: ${uses} is not pinned to a major version or a commit`);
      if (uses?.startsWith('actions/checkout@') && w['fetch-depth'] !== 0) problems.push(`${id}: checkout without fetch-depth: 0`);
      if (uses?.startsWith('actions/setup-node@') && String(w['node-version']) !== '20') problems.push(`${id}: setup-node not on node 20`);
      if (uses?.startsWith('actions/setup-node@') && /\bnpm ci\b/.test(runs) && w.cache !== 'npm') problems.push(`${id}: npm ci without setup-node cache: npm`);
      if (run?.includes('${{')) problems.push(`${id}: an expression inside a run script (pass it through env)`);
      if (JSON.stringify(step.with ?? {}).includes('secrets.')) problems.push(`${id}: secrets passed in with:`);
      for (const m of (run ?? '').matchAll(PIPE_CALL)) {
        const command = m[1] as string;
        const known = COMMANDS.find((c) => c.name === command);
        if (!known && command !== 'help' && command !== '--version') problems.push(`${id}: 'pipe ${command}' is not a pipe command`);
        else if (known?.subcommands.length && !known.subcommands.some((s) => s.name === m[2])) {
          problems.push(`${id}: 'pipe ${command} ${m[2] ?? ''}' is not a pipe command (${known.subcommands.map((s) => s.name).join(', ')})`.replace(' \'', '\''));
        }
      }
    }
    if (/\bnpm ci\b/.test(runs) && !steps.some((s) => String(s.uses).startsWith('actions/cache@') && asMap(s.with).path === 'node_modules')) {
      problems.push(`${id}: runs npm ci without caching node_modules`);
    }
    if (/\bpipe (repro|pull|push)\b/.test(runs)) {
      const cache = steps.find((s) => String(s.uses).startsWith('actions/cache@') && asMap(s.with).path === '.pipe/cache');
      if (!cache) problems.push(`${id}: runs pipe repro/pull/push without caching .pipe/cache`);
      else if (!String(asMap(cache.with).key).includes("hashFiles('data.lock'")) problems.push(`${id}: the .pipe/cache key is not keyed on data.lock`);
    }
  }
  // A job whose needs: chain holds a job that can be skipped (it has an if:) is skipped with it,
  // unless its own if: overrides the implicit success() (actions/runner#2205).
  const jobs = asMap(doc.jobs);
  const needsOf = (id: string): string[] => {
    const n = asMap(jobs[id]).needs;
    return typeof n === 'string' ? [n] : asList(n).map(String);
  };
  const upstream = (id: string, seen = new Set<string>()): Set<string> => {
    for (const n of needsOf(id)) if (!seen.has(n)) upstream(n, seen.add(n));
    return seen;
  };
  for (const id of Object.keys(jobs)) {
    const skippable = [...upstream(id)].filter((u) => typeof asMap(jobs[u]).if === 'string');
    const own = asMap(jobs[id]).if;
    if (skippable.length && !(typeof own === 'string' && /!cancelled\(\)|always\(\)/.test(own))) {
      problems.push(`${id}: needs ${skippable.join(', ')} (which can be skipped) but its if: lacks !cancelled(), so it would be skipped too`);
    }
  }
  return problems;
}

/** Every workflow file of `dir` with what is wrong with it (empty lists when all is well). */
async function checkWorkflows(dir: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const content = readFileSync(join(dir, name), 'utf8');
    out[name] = [...(await parserErrors(name, content)), ...policyProblems(content)];
  }
  return out;
}

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
    expect(Object.keys(results)).toEqual(['dev-to-test.yml', 'feature-to-dev.yml', 'test-to-main.yml']);
    expect(results).toEqual({ 'dev-to-test.yml': [], 'feature-to-dev.yml': [], 'test-to-main.yml': [] });
  });

  it('use the pipe commands the promotion flow is made of', () => {
    const used = new Set<string>();
    for (const f of readdirSync(WORKFLOWS)) {
      const jobs = Object.values(asMap(asMap(parse(readFileSync(join(WORKFLOWS, f), 'utf8'))).jobs));
      const runs = jobs.flatMap((job) => asList(asMap(job).steps).map((s) => String(asMap(s).run ?? '')));
      for (const run of runs) for (const m of run.matchAll(PIPE_CALL)) used.add(m[1] as string);
    }
    expect([...used].sort()).toEqual(['--version', 'gate', 'pull', 'push', 'remote', 'report', 'repro']);
  });
});

describe('the workflow check itself', () => {
  const good = readFileSync(join(WORKFLOWS, 'feature-to-dev.yml'), 'utf8');

  it('fails on workflows GitHub would reject', async () => {
    const dir = tempWorkflows({
      'good.yml': good,
      'typo.yml': good.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest'),
      'expression.yml': good.replace('${{ github.event.pull_request.number }}\n', '${{ github.event.pull_request.number == }}\n'),
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
      .replace('  cancel-in-progress: true\n', '')
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
    expect(policyProblems(good.replace('  cancel-in-progress: true\n', ''))).toEqual(['pull requests must cancel-in-progress']);
    expect(policyProblems(good.replace('          path: node_modules\n', '          path: ~/.npm\n'))).toEqual(['smoke: runs npm ci without caching node_modules']);
    const writer = good.replace('    timeout-minutes: 30\n', '    timeout-minutes: 30\n    permissions:\n      contents: write\n      packages: write\n');
    expect(policyProblems(writer)).toEqual(['smoke: grants contents: write', 'smoke: grants packages: write']);
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
