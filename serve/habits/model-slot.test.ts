import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelSlot } from './model-slot.js';

interface FakeModel {
  readonly name: string;
  predict(): Promise<string>;
}

const model = (name: string, delayMs = 0): FakeModel => ({
  name,
  predict: () => new Promise((r) => setTimeout(() => r(name), delayMs)),
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('ModelSlot', () => {
  it('keeps the old model when the load fails, and says why', async () => {
    const disposed: string[] = [];
    const slot = new ModelSlot(model('A'), { dispose: (m) => void disposed.push(m.name) });
    const outcome = await slot.reload(() => Promise.reject(new Error('weights.bin is missing')));
    expect(outcome.ok).toBe(false);
    expect(slot.current.name).toBe('A');
    expect(slot.lastReload).toMatchObject({ ok: false, error: 'weights.bin is missing' });
    expect(disposed).toEqual([]);
  });

  it('keeps the old model when warming the new one fails, and disposes the new one', async () => {
    const disposed: string[] = [];
    const slot = new ModelSlot(model('A'), {
      dispose: (m) => void disposed.push(m.name),
      warm: (m) => {
        if (m.name === 'B') throw new Error('shape mismatch');
      },
    });
    expect((await slot.reload(async () => model('B'))).ok).toBe(false);
    expect(slot.current.name).toBe('A');
    expect(slot.lastReload?.error).toContain('shape mismatch');
    expect(disposed).toEqual(['B']);
  });

  it('makes the new model current only once loaded and warmed, and disposes the old one only after the last request holding it lets go', async () => {
    const disposed: string[] = [];
    const warmed = deferred<void>();
    const slot = new ModelSlot(model('A'), { dispose: (m) => void disposed.push(m.name), warm: () => warmed.promise });
    const held = slot.acquire();
    const reloading = slot.reload(async () => model('B'));
    await new Promise((r) => setImmediate(r));
    expect(slot.current.name).toBe('A');
    warmed.resolve();
    expect(await reloading).toMatchObject({ ok: true });
    expect(slot.current.name).toBe('B');
    expect(disposed).toEqual([]);
    held.release();
    held.release();
    expect(disposed).toEqual(['A']);
  });

  it('coalesces reloads asked for while one runs into one more, with the last loader given', async () => {
    const first = deferred<FakeModel>();
    const calls: string[] = [];
    const slot = new ModelSlot(model('A'));
    const r1 = slot.reload(() => (calls.push('B'), first.promise));
    const r2 = slot.reload(async () => (calls.push('C'), model('C')));
    const r3 = slot.reload(async () => (calls.push('D'), model('D')));
    expect(r3).toBe(r2);
    first.resolve(model('B'));
    await Promise.all([r1, r2, r3]);
    expect(calls).toEqual(['B', 'D']);
    expect(slot.current.name).toBe('D');
  });
});

describe('ModelSlot behind a listening server', () => {
  let server: ServerType | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it('answers every request during a swap under concurrent load (all 200), switching from A to B', async () => {
    const disposed: string[] = [];
    const slot = new ModelSlot(model('A', 2), { dispose: (m) => void disposed.push(m.name) });
    const app = new Hono();
    app.post('/predict', async (c) => c.json({ model: await slot.use((m) => m.predict()) }));
    const port = await new Promise<number>((r) => {
      server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => r(info.port));
    });

    const statuses: number[] = [];
    const answers: string[] = [];
    let stop = false;
    const client = async () => {
      while (!stop) {
        const res = await fetch(`http://127.0.0.1:${port}/predict`, { method: 'POST' });
        statuses.push(res.status);
        answers.push(((await res.json()) as { model: string }).model);
      }
    };
    const clients = Array.from({ length: 8 }, client);
    while (answers.length < 50) await new Promise((r) => setTimeout(r, 5));
    const outcome = await slot.reload(async () => {
      await new Promise((r) => setTimeout(r, 20));
      return model('B', 2);
    });
    expect(outcome.ok).toBe(true);
    const switchedAt = answers.length;
    while (answers.length < switchedAt + 50) await new Promise((r) => setTimeout(r, 5));
    stop = true;
    await Promise.all(clients);

    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(answers[0]).toBe('A');
    expect(answers.at(-1)).toBe('B');
    // Once B answered, A never answered again (requests that held A finished before).
    const firstB = answers.indexOf('B');
    expect(answers.slice(firstB).filter((a) => a === 'A').length).toBeLessThanOrEqual(8);
    expect(answers.slice(switchedAt + 8).every((a) => a === 'B')).toBe(true);
    expect(disposed).toEqual(['A']);
  });
});
