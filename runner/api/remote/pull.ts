/** @module `pipe pull`: fetch, then checkout — the data and models of data.lock put in place from a remote. */
import { isPipeError, type PipeError } from '../../errors.js';
import { checkout, type CheckoutSummary } from '../checkout.js';
import { fetch, type FetchOptions, type FetchSummary } from './fetch.js';

export interface PullOptions extends FetchOptions {
  readonly relink?: boolean;
  readonly force?: boolean;
}

export interface PullSummary {
  readonly fetch: FetchSummary;
  readonly checkout: CheckoutSummary;
}

/**
 * When the remote lacks some objects (or sent some that were rejected), everything that is
 * complete is still checked out, then the fetch error is raised with both summaries attached.
 * A remote that cannot be reached stops the pull before checkout.
 */
export async function pull(o: PullOptions): Promise<PullSummary> {
  let fetched: FetchSummary;
  let fetchError: PipeError | undefined;
  try {
    fetched = await fetch(o);
  } catch (err) {
    if (!isPipeError(err, 'REMOTE_FAILED') || !('summary' in err)) throw err;
    fetchError = err;
    fetched = (err as unknown as { summary: FetchSummary }).summary;
  }
  let summary: CheckoutSummary;
  try {
    summary = await checkout({ root: o.root, cwd: o.cwd, targets: o.targets, relink: o.relink, force: o.force, waitSeconds: o.waitSeconds });
  } catch (err) {
    if (isPipeError(err, 'WORKSPACE_MODIFIED')) {
      // Nothing was checked out; what was fetched stays in the cache and is still reported, and
      // a fetch failure is not hidden behind the refusal.
      if (fetchError) err.message = `${err.message}\nAlso: ${fetchError.message}`;
      throw Object.assign(err, { summary: fetched });
    }
    if (!isPipeError(err, 'CACHE_MISS')) throw err;
    summary = (err as unknown as { summary: CheckoutSummary }).summary;
    // `push: false` outs are not on the remote by design: the fetch said so, and their absence
    // is no failure of the pull (nothing else missing: success).
    const byDesign = new Set(fetched.notOnRemote);
    if (!fetchError && summary.corrupt.length === 0 && err.data.missing.every((m) => byDesign.has(m.path))) return { fetch: fetched, checkout: summary };
    // The fetch went well, yet objects are missing (found corrupt in the cache, say): checkout's
    // error, with both summaries, as every error of pull carries.
    if (!fetchError) throw Object.assign(err, { summary: { fetch: fetched, checkout: summary } satisfies PullSummary });
    // Otherwise the fetch error names the objects and the remote; prefer it to checkout's "run pipe pull".
  }
  if (fetchError) throw Object.assign(fetchError, { summary: { fetch: fetched, checkout: summary } satisfies PullSummary });
  return { fetch: fetched, checkout: summary };
}
