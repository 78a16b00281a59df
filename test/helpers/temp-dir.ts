/** @module A temporary directory that is removed when the test that made it finishes. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (!process.env.PIPE_TEST_KEEP) onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
