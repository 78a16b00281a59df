/** @module The canonical text of data.lock: sorted, one line per dep/out, the same bytes for the same lock. */
import { Document, isMap, isSeq } from 'yaml';
import { LOCK_SCHEMA, type Lock, type LockedPath, type StageLock } from './lock.js';

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
const sortedKeys = <T>(o: Readonly<Record<string, T>>): [string, T][] =>
  Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function lockedPath(p: LockedPath): LockedPath {
  return p.nfiles === undefined
    ? { path: p.path, hash: p.hash, size: p.size }
    : { path: p.path, hash: p.hash, size: p.size, nfiles: p.nfiles };
}

function canonicalStage(s: StageLock): Record<string, unknown> {
  const out: Record<string, unknown> = { cmd: s.cmd };
  if (s.wdir && s.wdir !== '.') out.wdir = s.wdir;
  if (s.env && Object.keys(s.env).length) out.env = Object.fromEntries(sortedKeys(s.env));
  out.deps = [...s.deps].sort(byPath).map(lockedPath);
  out.params = Object.fromEntries(sortedKeys(s.params).map(([f, kv]) => [f, Object.fromEntries(sortedKeys(kv))]));
  out.outs = [...s.outs].sort(byPath).map(lockedPath);
  return out;
}

/** The exact text of a lock: same lock, same bytes. */
export function serializeLock(lock: Lock): string {
  const plain = {
    schema: LOCK_SCHEMA,
    stages: Object.fromEntries(sortedKeys(lock.stages).map(([n, s]) => [n, canonicalStage(s)])),
    data: Object.fromEntries(sortedKeys(lock.data).map(([p, d]) => [p, d.nfiles === undefined ? { hash: d.hash, size: d.size } : { hash: d.hash, size: d.size, nfiles: d.nfiles }])),
  };
  const doc = new Document(plain);
  // One line per dep/out/params file keeps diffs of data.lock readable in review.
  for (const name of Object.keys(plain.stages)) {
    for (const field of ['deps', 'outs']) {
      const seq = doc.getIn(['stages', name, field], true);
      if (isSeq(seq)) {
        seq.flow = seq.items.length === 0;
        for (const item of seq.items) if (isMap(item)) item.flow = true;
      }
    }
    const params = doc.getIn(['stages', name, 'params'], true);
    if (isMap(params)) {
      if (params.items.length === 0) params.flow = true;
      for (const item of params.items) if (isMap(item.value)) item.value.flow = true;
    }
  }
  const data = doc.get('data', true);
  if (isMap(data)) {
    if (data.items.length === 0) data.flow = true;
    for (const item of data.items) if (isMap(item.value)) item.value.flow = true;
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

