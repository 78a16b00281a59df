import { describe, expect, it } from 'vitest';
import type { Io } from '../../runner/command/index.js';
import { CLUSTER_MODEL_ENV } from '../cluster/messages.js';
import { serve } from './serve.js';

const SIGNALS = ['SIGHUP', 'SIGINT'] as const;

describe('pipe serve as a worker of --workers N', () => {
  it('ignores SIGHUP and SIGINT (its primary answers them) from its first line, before any import or check', async () => {
    const before = SIGNALS.map((s) => process.listeners(s));
    const send = process.send;
    process.env[CLUSTER_MODEL_ENV] = '{}';
    // A worker has its primary's IPC channel.
    process.send ??= () => true;
    try {
      const run = serve.run?.({ options: { port: 'not-a-port' }, args: {}, io: {} as Io });
      // Checked before run's first await: a group-wide signal during the imports that follow finds the worker ready for it.
      const added = SIGNALS.map((s, i) => process.listeners(s).filter((l) => !before[i]?.includes(l)));
      try {
        expect(added.map((a) => a.length)).toEqual([1, 1]);
      } finally {
        SIGNALS.forEach((s, i) => added[i]?.forEach((l) => process.off(s, l as () => void)));
      }
      await expect(run).rejects.toMatchObject({ code: 'USAGE', data: { flag: '--port' } });
    } finally {
      delete process.env[CLUSTER_MODEL_ENV];
      process.send = send;
    }
  });
});
