/** @module `pipe gate`: evaluates the `gates:` rules of pipeline.yaml on the workspace's metrics against a base revision. */
import { existsSync } from 'node:fs';
import {
  ParsedCache,
  PipeError,
  WORKSPACE,
  committedOutsFreshness,
  diffTrackedFiles,
  isWorkspace,
  formatIssues,
  loadPipeline,
  outsFreshness,
  locateInFile,
  pipeDir,
  resolveRevision,
  type GateRule,
  type Pipeline,
  type Revision,
  type SpecIssue,
  type StaleOut,
  type TrackedDiff,
} from '../../runner/index.js';
import { evaluateRule, type GateRow } from './evaluate-rule.js';
import { findMetric, type MetricLookup } from './find-metric.js';
import { branchMatches, defaultBaseCandidates, gateTarget } from './gate-target.js';

export interface GateOptions {
  readonly root: string;
  /** The revision to compare against; default: the pull request's base in CI, else HEAD. */
  readonly base?: string;
  /** The branch the change goes into (for rules with `branches:`); default from CI or the base. */
  readonly target?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** An already loaded pipeline and metrics diff (pipe report has them). */
  readonly pipeline?: Pipeline;
  readonly metrics?: TrackedDiff;
}

export interface GateResult {
  readonly base: Revision;
  readonly head: Revision;
  readonly target: string | undefined;
  readonly rows: readonly GateRow[];
  readonly passed: boolean;
  /** Metrics files the rules read that are not what data.lock records for an up-to-date pipeline: the gate fails. */
  readonly stale: readonly StaleOut[];
  /** Cached paths that freshness could not be checked against (not in the workspace). */
  readonly unverified: readonly string[];
  /** Metrics files that could not be parsed at a revision. */
  readonly problems: readonly string[];
}

export async function runGate({ root, base, target, env = process.env, pipeline, metrics }: GateOptions): Promise<GateResult> {
  const p = pipeline ?? (await loadPipelineCached(root));
  const baseName = base ?? (await defaultBase(root, env));
  const diff = metrics ?? (await diffTrackedFiles({ root, kind: 'metrics', a: baseName, b: WORKSPACE, all: true }));
  const to = gateTarget({ target, base: baseName, env });
  const rows = await evaluateGates(root, p, diff, (rule, found) => evaluateRule(rule, found, to, branchMatches));
  // Only the workspace is checked: a revision's committed metrics are what its own run left.
  const read = [...new Set(rows.flatMap((r) => (r.path && r.head !== undefined ? [r.path] : [])))];
  const fresh = isWorkspace(diff.b) && read.length ? await outsFreshness({ root, pipeline: p, paths: read }) : { stale: [], unverified: [] };
  return {
    base: diff.a,
    head: diff.b,
    target: to,
    rows,
    passed: rows.every((r) => r.result !== 'fail') && fresh.stale.length === 0,
    stale: fresh.stale,
    unverified: fresh.unverified,
    problems: diff.problems,
  };
}

/**
 * The gate of a committed revision (a registered model version, for `pipe model assign`): the
 * workspace's `gates:` rules on `head`'s committed metrics against `base`'s (the version holding
 * the stage now); without `base` only the absolute limits apply. A stage is not a branch, so
 * every rule applies, whatever its `branches:`. A metrics file the rules read fails the gate when
 * it is not what the commit's data.lock records (edited by hand after `pipe repro`).
 */
export async function gateRevision({ root, head, base }: { root: string; head: string; base?: string }): Promise<GateResult> {
  const p = await loadPipelineCached(root);
  const diff = await diffTrackedFiles({ root, kind: 'metrics', a: base ?? head, b: head, all: true });
  const compared = base === undefined ? { ...diff, files: diff.files.map((f) => ({ ...f, changes: f.changes.map((c) => ({ ...c, old: undefined })) })) } : diff;
  const rows = await evaluateGates(root, p, compared, (rule, found) => evaluateRule({ ...rule, branches: undefined }, found, undefined, branchMatches));
  const read = [...new Set(rows.flatMap((r) => (r.path && r.head !== undefined ? [r.path] : [])))];
  const commit = diff.b.commit;
  const fresh = commit && read.length ? await committedOutsFreshness({ root, rev: { ...diff.b, commit }, paths: read }) : { stale: [], unverified: [] };
  return { base: diff.a, head: diff.b, target: undefined, rows, passed: rows.every((r) => r.result !== 'fail') && fresh.stale.length === 0, stale: fresh.stale, unverified: fresh.unverified, problems: diff.problems };
}

function loadPipelineCached(root: string): Promise<Pipeline> {
  return loadPipeline({ root, cache: new ParsedCache(existsSync(pipeDir(root).tmp) ? pipeDir(root).tmp : undefined) });
}

/** One row per rule; a rule whose metric is in two files without saying which is a spec error (exit 2) at its line. */
async function evaluateGates(root: string, p: Pipeline, diff: TrackedDiff, evaluate: (rule: GateRule, found: Exclude<MetricLookup, { state: 'ambiguous' }>) => GateRow): Promise<GateRow[]> {
  const rows: GateRow[] = [];
  const ambiguous: SpecIssue[] = [];
  for (const [i, rule] of p.gates.entries()) {
    const found = findMetric(diff.files, rule.metric);
    if (found.state === 'ambiguous') {
      const where = await locateInFile(root, p.file, ['gates', i, 'metric']);
      ambiguous.push({
        file: p.file,
        ...where,
        key: `gates[${i}].metric`,
        message: `'${rule.metric}' is in more than one metrics file (${found.paths.join(', ')}); write file:key, e.g. ${found.paths[0]}:${rule.metric}`,
      });
      continue;
    }
    rows.push(evaluate(rule, found));
  }
  if (ambiguous.length) {
    throw new PipeError('SPEC_INVALID', `${ambiguous.length} malformed gate rule${ambiguous.length === 1 ? '' : 's'}:\n${formatIssues(ambiguous)}`, { issues: ambiguous });
  }
  return rows;
}

/** In a pull request's CI job the base branch as fetched; elsewhere HEAD. */
export async function defaultBase(root: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const candidates = defaultBaseCandidates(env);
  let why = '';
  for (const c of candidates) {
    try {
      await resolveRevision(root, c);
      return c;
    } catch (err) {
      if (!(err instanceof PipeError && err.code === 'REVISION_UNKNOWN')) throw err;
      why = err.data.reason;
    }
  }
  if (!env.GITHUB_BASE_REF) {
    // Outside a pull request's CI job the base is HEAD, which a repository without commits lacks.
    const noGit = /not inside a git repository/.test(why);
    const where = noGit ? 'this is not a git repository' : 'HEAD has no commit yet';
    const todo = noGit
      ? "the base is a git revision: 'git init', commit, then run this again"
      : 'pass --base REV (a branch, tag or commit, e.g. --base main), or commit the metrics first (the base is then HEAD)';
    throw new PipeError('REVISION_UNKNOWN', `no base revision to compare with: ${where}; ${todo}`, { revision: 'HEAD', reason: where });
  }
  const [first] = candidates;
  throw new PipeError(
    'REVISION_UNKNOWN',
    `GITHUB_BASE_REF is '${env.GITHUB_BASE_REF}' but neither ${candidates.join(' nor ')} exists in this clone: fetch the base branch (actions/checkout with fetch-depth: 0) or pass --base`,
    { revision: first ?? 'HEAD', reason: 'base branch not fetched' },
  );
}
