/** @module `pipe checkout`: make cached outs and tracked data in the workspace match data.lock. */
import type { CheckoutSummary } from '../api/checkout.js';
import { defineCommand, type Io } from '../command/command.js';
import { seconds } from '../command/parse-args.js';
import { isPipeError } from '../errors.js';
import { findRoot } from '../repo/find-root.js';
import { targetsArg, waitOption } from './shared-options.js';

export const checkout = defineCommand({
  name: 'checkout',
  description: `
Links every cached out of data.lock's stages and every 'pipe add'ed path from the cache into
the workspace, leaving alone what already matches, and removes outs that pipe placed earlier
but data.lock no longer has (when they are unchanged). TARGET is a stage name or a path.
Objects are checked against their hash before they are linked; a corrupt one is moved to
.pipe/cache/corrupt/ and reported. When objects are missing, it says which and exits 1:
fetch them with 'pipe pull', or compute them again with 'pipe repro'. A path whose workspace
content the cache does not hold (edited or new files) is never overwritten: checkout changes
nothing, names it and exits 1, unless --force.`,
  options: {
    relink: { type: 'boolean', help: 're-create every link with the current cache.type, even where the content matches' },
    force: { type: 'boolean', short: 'f', help: 'overwrite workspace changes that are not in the cache (they are lost)' },
    wait: waitOption,
  },
  positionals: [targetsArg],
  async run({ options, args, io }) {
    const { checkout: runCheckout } = await import('../api/checkout.js');
    try {
      const summary = await runCheckout({
        root: findRoot(io.cwd),
        cwd: io.cwd,
        targets: args.targets,
        relink: options.relink,
        force: options.force,
        waitSeconds: seconds('checkout', '--wait', options.wait, 60),
      });
      report(io, summary);
    } catch (err) {
      if (isPipeError(err, 'CACHE_MISS') && 'summary' in err) report(io, (err as unknown as { summary: CheckoutSummary }).summary);
      throw err;
    }
  },
});

function report(io: Io, s: CheckoutSummary): void {
  for (const p of s.removed) io.out(`removed ${p} (no longer in data.lock)\n`);
  for (const p of s.keptModified) io.err(`kept ${p}: no longer in data.lock, but modified since pipe placed it\n`);
  const how = s.linkTypes.length ? ` (${s.linkTypes.join(', ')})` : '';
  io.out(`${s.linked.length} linked${how}, ${s.unchanged.length} unchanged, ${s.removed.length} removed\n`);
}
