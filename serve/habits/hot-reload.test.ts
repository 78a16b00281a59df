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
});
