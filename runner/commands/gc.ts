/** @module `pipe gc`: remove cache objects (and, with --cloud, remote objects) that nothing in scope needs. */
import type { GcPlan, GcResult } from '../api/gc/gc.js';
import type { CloudGcPlan } from '../api/gc/gc-cloud.js';
import type { LocalGcPlan } from '../api/gc/gc-local.js';
import { askConfirmation, canAsk } from '../command/ask-confirmation.js';
import { defineCommand, type Io } from '../command/command.js';
import { positiveInt, seconds } from '../command/parse-args.js';
import { PipeError } from '../errors.js';
import { findRoot } from '../repo/find-root.js';
import { waitOption } from './shared-options.js';
import { formatBytes } from '../command/format-bytes.js';

const SCOPES = ['workspace', 'all-branches', 'all-tags', 'all-commits', 'all-experiments'] as const;

export const gc = defineCommand({
  name: 'gc',
  description: `
Keeps every object that the workspace's data.lock references (stage outs and deps, tracked
data, every file of their directories) and what pipe placed in the workspace, plus — with
--all-branches, --all-tags, --all-commits, --all-experiments — what data.lock references at each
of those commits (flags combine; the workspace is always kept). Removes every other object from
.pipe/cache. As in DVC, experiments (pipe exp run, refs/exps/…) are kept only with
--all-experiments: gc -w removes what only an experiment produced, so pipe exp apply of it
would re-run its stages or pull from the remote.
Run-cache entries are kept only when all their outs are kept (so returning to a removed param
set re-runs instead of restoring); --keep-run-cache keeps all of them and their objects.
When a kept directory's manifest cannot be read anywhere, gc removes no file object (any may
be one of its files) and names the directory in a warning.
--cloud applies the same rule to a remote (-r NAME, else the default remote): it lists the
remote, prints what it will remove and asks first; without a terminal pass --force. It removes
run-cache entries, then directory manifests, then files, so an interrupted gc never leaves a
manifest whose files are gone; then, on a directory remote, the temp files of killed pushes
(.tmp-… beside the objects) unchanged for a day. --all-branches counts remote-tracking branches (origin/*) as
branches too, so a fresh clone keeps what dev, test and main need; branches others have not
pushed, or that this clone has not fetched, are not kept: git fetch first.`,
  options: {
    workspace: { type: 'boolean', short: 'w', help: "keep what the workspace's data.lock references (always kept; enough on its own)" },
    'all-branches': { type: 'boolean', short: 'a', help: 'also keep what data.lock references at the tip of every branch, local and remote-tracking' },
    'all-tags': { type: 'boolean', short: 'T', help: 'also keep what data.lock references at every tag' },
    'all-commits': { type: 'boolean', short: 'A', help: 'also keep what data.lock references at every commit of every branch, tag and remote-tracking branch' },
    'all-experiments': { type: 'boolean', short: 'e', help: "also keep what every experiment's data.lock references (refs/exps/…, from pipe exp run)" },
    cloud: { type: 'boolean', short: 'c', help: 'also remove unreferenced objects and run-cache entries from the remote' },
    remote: { type: 'string', short: 'r', valueName: 'NAME', help: 'the remote for --cloud (default: the default remote)' },
    jobs: { type: 'string', short: 'j', valueName: 'N', help: 'remote requests at once for --cloud (default: 16 for S3, 64 for a directory)' },
    force: { type: 'boolean', short: 'f', help: 'remove from the remote without asking' },
    dry: { type: 'boolean', help: 'list what would be removed; remove nothing' },
    'keep-run-cache': { type: 'boolean', help: 'keep every run-cache entry and the objects it needs' },
    wait: waitOption,
  },
  async run({ options, io }) {
    if (!SCOPES.some((s) => options[s])) {
      throw new PipeError(
        'USAGE',
        "pipe gc needs a scope: --workspace (keep what the current data.lock references), and/or --all-branches, --all-tags, --all-commits, --all-experiments; see 'pipe help gc'",
        { command: 'gc', flag: '--workspace' },
      );
    }
    const cloud = options.cloud;
    for (const flag of ['remote', 'jobs'] as const) {
      if (options[flag] !== undefined && !cloud) throw new PipeError('USAGE', `--${flag} is for --cloud (pipe gc); add --cloud or leave it out`, { command: 'gc', flag: `--${flag}` });
    }
    const dry = options.dry;
    const force = options.force;
    if (cloud && !dry && !force && !canAsk()) {
      throw new PipeError(
        'USAGE',
        'pipe gc --cloud removes objects from the remote for good and asks first, but there is no terminal to ask on: pass --force to remove them (run it with --dry first to see what would go)',
        { command: 'gc', flag: '--force' },
      );
    }
    const { gc: runGc } = await import('../api/gc/gc.js');
    const r = await runGc({
      root: findRoot(io.cwd),
      dry,
      keepRunCache: options['keep-run-cache'],
      waitSeconds: seconds('gc', '--wait', options.wait, 60),
      allBranches: options['all-branches'],
      allTags: options['all-tags'],
      allCommits: options['all-commits'],
      allExperiments: options['all-experiments'],
      cloud,
      remote: options.remote,
      jobs: options.jobs === undefined ? undefined : positiveInt('gc', '--jobs', options.jobs, 1),
      confirm: (plan) => confirm(io, plan, force),
    });
    report(io, r, dry);
    if (!r.done) {
      io.err('nothing was removed\n');
      return 1;
    }
  },
});

/** How many remote objects and run-cache entries are named before asking. */
const LISTED = 20;

async function confirm(io: Io, plan: GcPlan, force: boolean): Promise<boolean> {
  const cloud = plan.cloud as CloudGcPlan;
  // What goes from the remote, by name, before anything is removed (the first ones when there are many).
  const shown = cloud.removedObjects.slice(0, LISTED);
  for (const o of shown) io.err(`  remote ${cloud.remote}: ${o.hash}  ${o.size ?? '?'}\n`);
  if (cloud.removedObjects.length > shown.length) io.err(`  … and ${cloud.removedObjects.length - shown.length} more (pipe gc … --cloud --dry lists them all)\n`);
  for (const fp of cloud.removedRuns.slice(0, LISTED)) io.err(`  remote ${cloud.remote}: run-cache entry ${fp}\n`);
  if (cloud.removedRuns.length > LISTED) io.err(`  … and ${cloud.removedRuns.length - LISTED} more run-cache entries\n`);
  for (const t of cloud.removedTemps.slice(0, LISTED)) io.err(`  remote ${cloud.remote}: stale temp file ${t.key}  ${t.size}\n`);
  if (cloud.removedTemps.length > LISTED) io.err(`  … and ${cloud.removedTemps.length - LISTED} more stale temp files\n`);
  io.err(`${planLine(plan.local, 'will remove')} from the cache\n${planLine(cloud, 'will remove')} from ${remoteName(cloud)}\n`);
  if (force || (cloud.removedObjects.length === 0 && cloud.removedRuns.length === 0 && cloud.removedTemps.length === 0)) return true;
  return askConfirmation(`Remove them from ${remoteName(cloud)}? This cannot be undone. [y/N] `);
}

function report(io: Io, r: GcResult, dry: boolean): void {
  for (const w of r.warnings) io.err(`warning: ${w}\n`);
  if (r.commits) io.err(`kept what the workspace and ${count(r.commits, 'commit')} (${count(r.distinctLocks, 'distinct data.lock')}) reference\n`);
  if (!r.done) return;
  const verb = dry ? 'would remove' : 'removed';
  if (dry) for (const o of r.local.removedObjects) io.out(`${o.hash}  ${o.size}\n`);
  io.out(`${planLine(r.local, verb)}; kept ${r.local.keptObjects} objects and ${r.local.keptRuns} run-cache entries\n`);
  if (!r.cloud) return;
  if (dry) for (const o of r.cloud.removedObjects) io.out(`remote ${r.cloud.remote}: ${o.hash}  ${o.size ?? '?'}\n`);
  if (dry) for (const t of r.cloud.removedTemps) io.out(`remote ${r.cloud.remote}: stale temp file ${t.key}  ${t.size}\n`);
  io.out(`${planLine(r.cloud, verb)} from ${remoteName(r.cloud)}; kept ${r.cloud.keptObjects} objects and ${r.cloud.keptRuns} run-cache entries there\n`);
}

function planLine(p: LocalGcPlan | CloudGcPlan, verb: string): string {
  const n = p.removedObjects.length;
  const runs = p.removedRuns.length;
  const temps = 'removedTemps' in p ? p.removedTemps.length : 0;
  // Temp files of killed pushes are named only when there are some (most gc runs find none).
  const tempsPart = temps > 0 ? `, ${temps} stale temp file${temps === 1 ? '' : 's'} of killed pushes` : '';
  return `${verb} ${n} object${n === 1 ? '' : 's'}${tempsPart} (${formatBytes(p.freedBytes)}) and ${runs} run-cache entr${runs === 1 ? 'y' : 'ies'}`;
}

function remoteName(p: CloudGcPlan): string {
  return `remote '${p.remote}' (${p.where})`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
