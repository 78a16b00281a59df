/** @module Splits a revision such as `main~2^2` into its base name and the parent steps after it (git's `~N` and `^N`). */
import { unknownRevision } from './revision.js';

/** `~N`: the N-th first-parent ancestor; `^N`: the N-th parent (`^0` is the commit itself). */
export interface ParentStep {
  readonly op: '~' | '^';
  readonly n: number;
}

export interface ParsedRevision {
  /** A ref name, `HEAD`, or a full or abbreviated commit id. */
  readonly base: string;
  readonly steps: readonly ParentStep[];
}

// The first ~ or ^ ends the name: git forbids both characters in ref names.
const STEP = /^(?:\^\{(?:commit)?\}|([~^])(\d*)(?!\{))/;

export function parseRevision(text: string): ParsedRevision {
  const bad = (reason: string) => unknownRevision(text, reason);
  if (text.trim() === '') throw bad('an empty revision names nothing; give a branch, tag or commit');
  const cut = text.search(/[~^]/);
  let base = cut < 0 ? text : text.slice(0, cut);
  if (base === '@') base = 'HEAD';
  if (base === '') throw bad("nothing before '~' or '^'; write e.g. HEAD~1");
  if (/\s/.test(base)) throw bad('revisions contain no spaces');
  if (base.includes('..')) throw bad('a range is not a revision; give the two revisions as two arguments');
  if (base.includes(':')) throw bad("'REV:PATH' is not supported here; name a commit, branch or tag");
  if (base.includes('@{')) throw bad('reflog entries (@{…}) are not supported; name a commit, branch or tag');
  const steps: ParentStep[] = [];
  let rest = cut < 0 ? '' : text.slice(cut);
  while (rest !== '') {
    const m = STEP.exec(rest);
    if (!m) throw bad(`cannot read '${text.slice(cut)}'; after a name only ~N, ^N and ^{commit} are understood`);
    // ^{} and ^{commit} peel tags to their commit, which every revision here is anyway.
    if (m[1] === '~' || m[1] === '^') steps.push({ op: m[1], n: m[2] ? Number(m[2]) : 1 });
    rest = rest.slice(m[0].length);
  }
  return { base, steps };
}
