/**
 * @module Checks GitHub Actions workflows the way GitHub would (its own parser, @actions/workflow-parser)
 * and against our policies: least-privilege permissions, no pull_request_target, concurrency,
 * pinned action majors, full history for `--base`, caches, secrets only where used, no
 * expressions inside scripts, and only `pipe` commands that exist. Used for this repository's
 * workflows and for the ones `pipe init --ci github` writes.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as WorkflowParser from '@actions/workflow-parser';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { loadAllCommands } from '../../cli/commands.js';

/** Every pipe command, with its subcommands: a workflow may only call these. */
const COMMANDS = await loadAllCommands();

export type Map = Record<string, unknown>;
export const isMap = (v: unknown): v is Map => v !== null && typeof v === 'object' && !Array.isArray(v);
export const asMap = (v: unknown): Map => (isMap(v) ? v : {});
export const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * @actions/workflow-parser imports its JSON schema without `with { type: 'json' }`: bundlers
 * accept that, Node (and so vitest, which leaves node_modules to Node) refuses it. esbuild bundles
 * the package, unchanged, into one ESM file that Node loads.
 */
let parserLoad: Promise<typeof WorkflowParser> | undefined;
function loadParser(): Promise<typeof WorkflowParser> {
  parserLoad ??= (async () => {
    const bundleDir = mkdtempSync(join(tmpdir(), 'pipe-workflow-parser-'));
    try {
      const outfile = join(bundleDir, 'workflow-parser.mjs');
      const stdin = { contents: "export * from '@actions/workflow-parser';", resolveDir: import.meta.dirname };
      await build({ stdin, bundle: true, format: 'esm', platform: 'node', outfile, logLevel: 'error' });
      return (await import(pathToFileURL(outfile).href)) as typeof WorkflowParser;
    } finally {
      rmSync(bundleDir, { recursive: true, force: true });
    }
  })();
  return parserLoad;
}

/** What GitHub's workflow parser reports: schema errors, bad expressions, conversion errors. */
export async function parserErrors(name: string, content: string): Promise<string[]> {
  const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = await loadParser();
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (result.value === undefined) return errors.length > 0 ? errors : [`${name}: not a workflow`];
  const template = await convertWorkflowTemplate(result.context, result.value);
  return [...new Set([...errors, ...(template.errors ?? []).map((e) => e.Message)])];
}

export const PIPE_CALL = /(?:npx\s+pipe|node\s+bin\/pipe\.js)\s+(--version|[a-z][a-z-]*)(?:\s+([a-z][a-z-]*))?/g;
const WRITABLE_IN_PR_JOBS = new Set(['pull-requests', 'statuses']);

/** Our rules for the workflows, as one message per broken rule. */
export function policyProblems(content: string): string[] {
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
      // A write token only where no pull request's code runs: push jobs, and workflows that pull
      // requests never start (run by hand, or called by a push job, which cannot grant more than it has).
      const pushOnly = (typeof job.if === 'string' && job.if.includes("github.event_name == 'push'")) || !events.some((e) => e.startsWith('pull_request'));
      // contents (registry tags) and packages (the service image) may be written by push jobs only.
      if (scope === 'contents' || scope === 'packages' ? !pushOnly : !WRITABLE_IN_PR_JOBS.has(scope)) problems.push(`${id}: grants ${scope}: write`);
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
    if (/\bnpm ci\b/.test(runs) && !steps.some((s) => String(s.uses).startsWith('actions/cache@') && /^(.+\/)?node_modules$/.test(String(asMap(s.with).path)))) {
      problems.push(`${id}: runs npm ci without caching node_modules`);
    }
    if (/\bpipe (repro|pull|push)\b/.test(runs)) {
      // A pipe root in a subdirectory (pipe init --ci github there) caches SUBDIR/.pipe/cache.
      const cache = steps.find((s) => String(s.uses).startsWith('actions/cache@') && /^(.+\/)?\.pipe\/cache$/.test(String(asMap(s.with).path)));
      if (!cache) problems.push(`${id}: runs pipe repro/pull/push without caching .pipe/cache`);
      else if (!/hashFiles\('(.+\/)?data\.lock'/.test(String(asMap(cache.with).key))) problems.push(`${id}: the .pipe/cache key is not keyed on data.lock`);
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
export async function checkWorkflows(dir: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const content = readFileSync(join(dir, name), 'utf8');
    out[name] = [...(await parserErrors(name, content)), ...policyProblems(content)];
  }
  return out;
}

