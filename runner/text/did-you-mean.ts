/** @module The known name a mistyped one was most likely meant to be (`reproo` → `repro`), for "did you mean" hints. */
import { distance } from 'fastest-levenshtein';

/**
 * Edits allowed for a name of this length: one for very short names (two would turn `cmd` into
 * `env`), two up to six characters (a swapped pair, `trian` → `train`, is two), then three.
 */
function maxEdits(length: number): number {
  return length <= 3 ? 1 : length <= 6 ? 2 : 3;
}

/** The candidate closest to `input` (the first on a tie), when it is close enough to be a typo; case is ignored. */
export function closestName(input: string, candidates: Iterable<string>): string | undefined {
  const typed = input.toLowerCase();
  let best: { name: string; edits: number } | undefined;
  for (const name of candidates) {
    if (name === input) continue;
    const edits = distance(typed, name.toLowerCase());
    if (edits <= maxEdits(Math.min(typed.length, name.length)) && edits < Math.max(typed.length, name.length) && (!best || edits < best.edits)) best = { name, edits };
  }
  return best?.name;
}

/** `; did you mean 'NAME'?` when one of `candidates` is close to `input`, else `''`. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const name = closestName(input, candidates);
  return name === undefined ? '' : `; did you mean '${name}'?`;
}
