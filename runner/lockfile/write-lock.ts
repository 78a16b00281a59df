/** @module Writes data.lock atomically, and only when its bytes change. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { LOCK_FILE, type Lock } from './lock.js';

/** Writes the lock when its bytes differ from what is on disk; returns whether it wrote. */
export async function writeLock({ root, lock }: { root: string; lock: Lock }): Promise<boolean> {
  const file = join(root, LOCK_FILE);
  // The YAML writer loads only when a lock is written, never on a no-op run.
  const { serializeLock } = await import('./serialize-lock.js');
  const text = serializeLock(lock);
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) return false;
  writeFileAtomic(file, text);
  return true;
}
