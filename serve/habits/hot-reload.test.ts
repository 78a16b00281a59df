import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../../test/helpers/wait-until.js';
import { hotReload } from './hot-reload.js';
import { ModelSlot } from './model-slot.js';

describe('hotReload', () => {
  it('reloads on SIGHUP and when the watched stage moves, and keeps serving the old model when a load fails, saying so', async () => {
    const target = new EventEmitter();
    const logs: string[] = [];
    const slot = new ModelSlot({ version: 'v1' });
    let tag = 'v1 aaa';
    let next: () => Promise<{ version: string }> = async () => ({ version: 'v2' });
    const reloader = hotReload({
      slot,
      load: () => next(),
      describe: (m) => m.version,
      watch: { read: async () => tag, intervalMs: 600_000, initial: 'v1 aaa' },
      target: target as unknown as NodeJS.Process,
      log: (m) => void logs.push(m),
    });
    try {
      target.emit('SIGHUP');
      await waitUntil(() => slot.current.version === 'v2', 'the SIGHUP reload');
      expect(logs.at(-1)).toBe('pipe serve: SIGHUP: now serving v2 (was v1).');

      expect(await reloader.check()).toBe(false);
      tag = 'v3 bbb';
      next = async () => ({ version: 'v3' });
      expect(await reloader.check()).toBe(true);
      expect(slot.current.version).toBe('v3');
      expect(logs.at(-1)).toBe('pipe serve: the watched stage moved to v3: now serving v3 (was v2).');

      next = () => Promise.reject(new Error('weights.bin: no such file'));
      expect((await reloader.reload()).ok).toBe(false);
      expect(slot.current.version).toBe('v3');
      expect(logs.at(-1)).toBe('pipe serve: reload asked for: the new model did not load, still serving v3: weights.bin: no such file');
    } finally {
      reloader.stop();
    }
    target.emit('SIGHUP');
    expect(target.listenerCount('SIGHUP')).toBe(0);
  });

  it('tries a stage move whose load failed again while the stage holds it, telling each new failure once, and loads it once it can', async () => {
    const logs: string[] = [];
    const results: string[] = [];
    const slot = new ModelSlot({ version: 'v1' });
    let failure: string | undefined = 'the cache lacks 1 object';
    let loads = 0;
    const reloader = hotReload({
      slot,
      load: async () => {
        loads++;
        if (failure) throw new Error(failure);
        return { version: 'v2' };
      },
      describe: (m) => m.version,
      watch: { read: async () => 'v2 bbb', intervalMs: 1000, maxRetryMs: 8000, initial: 'v1 aaa', valueFor: (m) => `${m.version} bbb` },
      signal: false,
      log: (m) => void logs.push(m),
      onReload: (o) => void results.push(o.ok ? 'ok' : 'failed'),
    });
    const polls = async (n: number) => {
      for (let i = 0; i < n; i++) await reloader.check();
    };
    try {
      await polls(2); // tries at polls 1 and 2: the same failure, told once
      expect(logs).toEqual(['pipe serve: the watched stage moved to v2: the new model did not load, still serving v1: the cache lacks 1 object (trying again in 1 s)']);
      failure = 'the remote is unreachable';
      await polls(2); // tried at poll 4: a new failure, told
      expect(logs.slice(1)).toEqual(['pipe serve: trying v2 again, which holds the watched stage: the new model did not load, still serving v1: the remote is unreachable (trying again in 4 s)']);
      await polls(4); // tried at poll 8: the wait is at its longest, so told again
      expect(logs.slice(2)).toEqual(['pipe serve: trying v2 again, which holds the watched stage: the new model did not load, still serving v1: the remote is unreachable (trying again in 8 s)']);
      expect([loads, slot.current.version]).toEqual([4, 'v1']);

      failure = undefined;
      await polls(8); // tried at poll 16: loads
      expect(slot.current.version).toBe('v2');
      expect(logs.slice(3)).toEqual(['pipe serve: trying v2 again, which holds the watched stage: now serving v2 (was v1).']);
      expect(results).toEqual(['failed', 'failed', 'failed', 'failed', 'ok']);
      await polls(20);
      expect(loads).toBe(5);
    } finally {
      reloader.stop();
    }
  });

  it('does not load again a stage move that SIGHUP has loaded since the watcher failed to', async () => {
    const target = new EventEmitter();
    const slot = new ModelSlot({ version: 'v1' });
    let fail = true;
    let loads = 0;
    const reloader = hotReload({
      slot,
      load: async () => {
        loads++;
        if (fail) throw new Error('the cache lacks 1 object');
        return { version: 'v2' };
      },
      describe: (m) => m.version,
      watch: { read: async () => 'v2 bbb', intervalMs: 1000, initial: 'v1 aaa', valueFor: (m) => `${m.version} bbb` },
      target: target as unknown as NodeJS.Process,
      log: () => {},
    });
    try {
      expect(await reloader.check()).toBe(true);
      fail = false;
      target.emit('SIGHUP');
      await waitUntil(() => slot.current.version === 'v2', 'the SIGHUP reload');
      for (let i = 0; i < 10; i++) expect(await reloader.check()).toBe(false);
      expect(loads).toBe(2);
    } finally {
      reloader.stop();
    }
  });

  it('says once that the watched stage has no holder and keeps the model, and when a holder is back; tells whether the served model holds the stage', async () => {
    const logs: string[] = [];
    const held: boolean[] = [];
    const slot = new ModelSlot({ version: 'v1' });
    let tag: string | undefined = 'v1 aaa';
    let loads = 0;
    const reloader = hotReload({
      slot,
      load: async () => {
        loads++;
        return { version: 'v2' };
      },
      describe: (m) => m.version,
      watch: { read: async () => tag, intervalMs: 1000, initial: 'v1 aaa', valueFor: (m) => `${m.version} bbb`, stage: 'churn#dev', onHeld: (h) => void held.push(h) },
      signal: false,
      log: (m) => void logs.push(m),
    });
    try {
      tag = undefined;
      for (let i = 0; i < 3; i++) await reloader.check();
      expect(logs).toEqual(['pipe serve: the watched stage churn#dev has no version now (unassigned): still serving v1 until one holds it.']);
      expect(held).toEqual([false]);
      tag = 'v1 aaa';
      await reloader.check();
      expect(logs.slice(1)).toEqual(['pipe serve: the watched stage churn#dev is held by v1 again, the version served.']);
      tag = undefined;
      await reloader.check();
      tag = 'v2 bbb';
      await reloader.check();
      expect(logs.slice(2)).toEqual(['pipe serve: the watched stage churn#dev has no version now (unassigned): still serving v1 until one holds it.', 'pipe serve: the watched stage moved to v2: now serving v2 (was v1).']);
      expect(held).toEqual([false, true, false, true]);
      expect([loads, slot.current.version]).toEqual([1, 'v2']);
    } finally {
      reloader.stop();
    }
  });
});
