/** @module Polls for a condition the test cannot be told about (a file appearing, a process group gone), with a generous hang detector instead of a fixed sleep. */
import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves once `check()` is true; rejects with `what` after `timeoutMs` (sized for a loaded machine: a hang detector, not a speed check). */
export async function waitUntil(check: () => boolean, what: string, { timeoutMs = 30_000, everyMs = 20 }: { timeoutMs?: number; everyMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** waitUntil for a condition that must be fetched (an HTTP answer): polled one read at a time. */
export async function eventually(check: () => Promise<boolean>, what: string, { timeoutMs = 120_000, everyMs = 50 }: { timeoutMs?: number; everyMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
