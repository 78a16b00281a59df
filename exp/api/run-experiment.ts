/** @module Runs one experiment: a temporary worktree at its start commit, its params written, `repro` there on the shared cache, the result committed under refs/exps/. */
import { PipeError, checkout, commitDates, refExists, repro, writeCommitObject, writeRefFile, type ReproReporter } from '../../runner/index.js';
import { applyOverrides } from './apply-params.js';
import { expRefName } from './exp-refs.js';
import { commitEnv, git, gitScript } from './git.js';
import { formatOverride, type ParamOverride } from './param-sets.js';
import { addWorktree } from './worktree.js';

export interface ExperimentSpec {
  readonly name: string;
  readonly overrides: readonly ParamOverride[];
  /** The commit experiments are compared with (HEAD when it was asked for). */
  readonly baseline: string;
  /** What is checked out: the baseline plus the workspace's uncommitted changes (snapshot.ts). */
  readonly start: string;
}

export interface ExperimentResult {
  readonly name: string;
  readonly ref: string;
  readonly commit: string;
  readonly baseline: string;
  /** Stages that ran their commands. */
  readonly ran: readonly string[];
  /** Stages whose outs came from the run-cache. */
  readonly restored: readonly string[];
}

export interface RunExperimentOptions {
  readonly root: string;
  readonly spec: ExperimentSpec;
  /** Replace an experiment of the same name. */
  readonly force?: boolean;
  readonly reporter: ReproReporter;
  readonly signal?: AbortSignal;
  readonly jobs?: number;
}

export async function refuseExisting(root: string, baseline: string, name: string): Promise<void> {
  const ref = expRefName(baseline, name);
  if (await refExists(root, ref)) throw new PipeError('EXP_EXISTS', `an experiment named '${name}' exists for baseline ${baseline.slice(0, 7)}; choose another --name, or --force to replace it (pipe exp remove ${name} removes it)`, { name, ref });
}

export async function runExperiment({ root, spec, force = false, reporter, signal, jobs }: RunExperimentOptions): Promise<ExperimentResult> {
  if (!force) await refuseExisting(root, spec.baseline, spec.name);
  const ran: string[] = [];
  const restored: string[] = [];
  const counting: ReproReporter = {
    ...reporter,
    event(e) {
      if (e.kind === 'running') ran.push(e.stage);
      if (e.kind === 'restored') restored.push(e.stage);
      reporter.event(e);
    },
  };
  const trace = phaseTimer(spec.name);
  const wt = await addWorktree(root, spec.start, spec.name);
  trace('worktree add');
  try {
    applyOverrides(wt.dir, spec.overrides);
    // Cached outs the baseline's data.lock records are linked from the cache first, so
    // stages whose inputs did not change are skipped rather than restored or run.
    await checkout({ root: wt.dir }).catch((err: unknown) => reporter.note(`${spec.name}: some outs of the baseline are not in the cache (${(err as Error).message.split('\n')[0]}); the stages that make them run`));
    trace('params + checkout');
    await repro({ root: wt.dir, reporter: counting, signal, jobs, command: `pipe exp run (${spec.name})` });
    trace('repro');
    const tree = (await gitScript(wt.dir, 'git add -A -- . && git write-tree')).trim();
    const message = `pipe exp: ${spec.name}\n\n${spec.overrides.map(formatOverride).join('\n') || '(no params changed)'}\n`;
    const commit = await commitTree(root, tree, spec.baseline, message);
    const ref = expRefName(spec.baseline, spec.name);
    // Without --force the ref must still not exist: a concurrent run of the same name loses here.
    if (!(await writeRefFile(root, ref, commit, { replace: force }))) {
      throw new PipeError('EXP_EXISTS', `an experiment named '${spec.name}' appeared for baseline ${spec.baseline.slice(0, 7)} while this one ran; its result is commit ${commit} (git update-ref ${ref} ${commit} keeps it)`, { name: spec.name, ref });
    }
    trace('commit + ref');
    return { name: spec.name, ref, commit, baseline: spec.baseline, ran, restored };
  } finally {
    await wt.remove();
    trace('worktree remove');
  }
}

/** The experiment's commit, written in process (git commit-tree only for a GIT_*_DATE in a form commitDates does not read). */
async function commitTree(root: string, tree: string, parent: string, message: string): Promise<string> {
  const env = await commitEnv(root);
  const dates = commitDates();
  if (!dates) return (await git(root, ['commit-tree', tree, '-p', parent, '-F', '-'], { env, input: message })).trim();
  return writeCommitObject(
    root,
    {
      tree,
      parents: [parent],
      message,
      author: { name: env.GIT_AUTHOR_NAME ?? '', email: env.GIT_AUTHOR_EMAIL ?? '' },
      committer: { name: env.GIT_COMMITTER_NAME ?? '', email: env.GIT_COMMITTER_EMAIL ?? '' },
    },
    dates,
  );
}

/** PIPE_EXP_TRACE=1: each phase's milliseconds on stderr (what bench/exp.mjs's bookkeeping figure is made of). */
function phaseTimer(name: string): (phase: string) => void {
  if (!process.env.PIPE_EXP_TRACE) return () => {};
  let last = performance.now();
  return (phase) => {
    const now = performance.now();
    process.stderr.write(`[${name}] ${phase}: ${(now - last).toFixed(0)} ms\n`);
    last = now;
  };
}
