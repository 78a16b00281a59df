import cluster from 'node:cluster';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../../test/helpers/wait-until.js';
import type { ServedModel } from '../resolve-model.js';
import { runPrimary } from './primary.js';

/** A version written to a temporary directory, as resolveModel writes one the workspace lacks. */
function fetched(version: string): ServedModel {
  const dir = join(mkdtempSync(join(tmpdir(), 'pipe-serve-')), 'churn');
  mkdirSync(dir);
  return { dir, fetched: true, name: 'churn', version, source: 'registry', stage: 'prod' };
}

// Real forked workers, reduced to what the primary sees of them (test-fixtures/stand-in-worker.mjs).
cluster.setupPrimary({ exec: fileURLToPath(new URL('test-fixtures/stand-in-worker.mjs', import.meta.url)), silent: true });

describe('runPrimary', () => {
  it('a drain during a reload\'s fetch ends once the workers have, without waiting for the fetch, whose version is removed when it ends', async () => {
    const v1 = fetched('v1');
    const v2 = fetched('v2');
    let release: ((m: ServedModel) => void) | undefined;
    const target = new EventEmitter();
    let ready = false;
    let code: number | undefined;
    const logs: string[] = [];
    void runPrimary({
      workers: 2,
      model: v1,
      resolve: () => new Promise<ServedModel>((r) => (release = r)),
      log: (l) => void logs.push(l),
      onReady: () => (ready = true),
      target: target as unknown as NodeJS.Process,
    }).then((c) => (code = c));
    await waitUntil(() => ready, 'both workers to listen');
    target.emit('SIGHUP');
    await waitUntil(() => release !== undefined, 'the reload to start its fetch');
    target.emit('SIGTERM');
    // The fetch is still under way: the drain does not wait for it (no worker is left to load it).
    await waitUntil(() => code !== undefined, 'the drain to end while the fetch runs');
    expect(code).toBe(0);
    expect(Object.keys(cluster.workers ?? {})).toEqual([]);
    expect(['SIGTERM', 'SIGINT', 'SIGHUP'].map((s) => target.listenerCount(s))).toEqual([0, 0, 0]);
    expect(existsSync(v1.dir)).toBe(false);
    (release as (m: ServedModel) => void)(v2);
    await waitUntil(() => !existsSync(v2.dir), 'the late fetch removed');
  });
});
