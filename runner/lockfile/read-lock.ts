/** @module Reads data.lock from the workspace (through the parsed cache) or from text (a git revision). */
import { ParsedCache } from '../yaml/parsed-cache.js';
import { readYamlFile } from '../yaml/read-yaml-file.js';
import { LOCK_FILE, emptyLock, type Lock } from './lock.js';
import { checkedLock, lockFromValue, lockInvalid } from './lock-from-value.js';

const CHECKED = `${LOCK_FILE}#checked`;
const BUILD = import.meta.url;

/** The lock of the repository at `root`; an absent file is an empty lock. */
export async function readLock({ root, cache = new ParsedCache(undefined) }: { root: string; cache?: ParsedCache }): Promise<Lock> {
  const read = await readYamlFile({ root, name: LOCK_FILE, cache });
  if (!read.exists) return emptyLock();
  const first = read.source?.syntaxIssues[0];
  if (first) throw lockInvalid(LOCK_FILE, first.message, first.line ? { line: first.line, column: first.column ?? 1 } : undefined);
  // A value from the parsed cache was checked when this remembered it (a params file named
  // data.lock would be remembered unchecked, hence the mark of its own, naming the build that
  // checked: a later pipe may check more).
  const checked = !read.source && cache.getDerived(root, CHECKED)?.value === BUILD;
  const lock = checked ? checkedLock(read.value) : lockFromValue(read.value, LOCK_FILE, (p) => read.source?.locate(p));
  read.remember();
  if (!checked) cache.setDerived(root, CHECKED, [LOCK_FILE], BUILD);
  return lock;
}

/** Parses lock text, e.g. data.lock as committed at some revision. */
export async function parseLock(text: string, file = LOCK_FILE): Promise<Lock> {
  const { parseYamlSource } = await import('../yaml/yaml-source.js');
  const source = parseYamlSource(file, text);
  const first = source.syntaxIssues[0];
  if (first) throw lockInvalid(file, first.message, first.line ? { line: first.line, column: first.column ?? 1 } : undefined);
  return lockFromValue(source.value, file, (p) => source.locate(p));
}
