import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { git, commitAll } from '../../test/helpers/git.js';
import { makeRepo } from '../../test/helpers/repo.js';
import { waitUntil } from '../../test/helpers/wait-until.js';
import { ChangeWatcher, reloadOnSignal, stageHolderReader } from './model-watch.js';

describe('ChangeWatcher', () => {
  it('calls back only when the watched value moves, not on the first read, nor when it vanishes', async () => {
    const values: (string | undefined)[] = ['v1', 'v1', 'v2', undefined, 'v2', 'v3'];
    const changes: string[] = [];
    const w = new ChangeWatcher({ read: async () => values.shift(), intervalMs: 1, onChange: (v, prev) => void changes.push(`${prev}->${v}`) });
    const moved: boolean[] = [];
    for (let i = 0; i < 6; i++) moved.push(await w.check());
    expect(moved).toEqual([false, false, true, false, false, true]);
    expect(changes).toEqual(['v1->v2', 'v2->v3']);
  });

  it('keeps polling after a failed read, reporting it', async () => {
    let n = 0;
    const errors: string[] = [];
    const changes: string[] = [];
    const w = new ChangeWatcher({
      initial: 'v1',
      intervalMs: 5,
      read: async () => {
        n++;
        if (n === 1) throw new Error('git is busy');
        return 'v2';
      },
      onChange: (v) => void changes.push(v),
      onError: (e) => void errors.push((e as Error).message),
    }).start();
    try {
      await waitUntil(() => changes.length > 0, 'the change after a failed read');
    } finally {
      w.stop();
    }
    expect(errors).toEqual(['git is busy']);
    expect(changes).toEqual(['v2']);
  });
  it('tries a change that did not take again after 1, 2, 4… polls up to the longest wait, at once when the value moves on, and stops once it takes', async () => {
    let holder = 'v2';
    let takes = false;
    const tries: string[] = [];
    const w = new ChangeWatcher({
      initial: 'v1',
      intervalMs: 1000,
      maxRetryMs: 4000,
      read: async () => holder,
      onChange: (v, prev, { retry, nextRetryMs, atCap }) => {
        tries.push(`${poll}: ${prev}->${v} #${retry} next ${nextRetryMs}${atCap ? ' (cap)' : ''}`);
        return takes;
      },
    });
    let poll = 0;
    const polls = async (n: number) => {
      for (let i = 0; i < n; i++) {
        poll++;
        await w.check();
      }
    };
    await polls(12);
    expect(tries).toEqual(['1: v1->v2 #0 next 1000', '2: v1->v2 #1 next 2000', '4: v1->v2 #2 next 4000 (cap)', '8: v1->v2 #3 next 4000 (cap)', '12: v1->v2 #4 next 4000 (cap)']);

    tries.length = 0;
    holder = 'v3';
    await polls(3);
    expect(tries).toEqual(['13: v1->v3 #0 next 1000', '14: v1->v3 #1 next 2000']);

    takes = true;
    await polls(4);
    expect(tries.slice(2)).toEqual(['16: v1->v3 #2 next 4000 (cap)']);
  });

  it('does not try again a change that a reload it did not cause (SIGHUP) already served, and takes the value onChange says took', async () => {
    let holder = 'v2';
    const tries: string[] = [];
    let took: boolean | string = false;
    const w = new ChangeWatcher({ initial: 'v1', intervalMs: 1000, read: async () => holder, onChange: (v) => (tries.push(v), took) });
    await w.check();
    w.served('v2');
    for (let i = 0; i < 5; i++) await w.check();
    expect(tries).toEqual(['v2']);

    holder = 'v3';
    took = 'v4';
    await w.check();
    holder = 'v4';
    for (let i = 0; i < 5; i++) await w.check();
    expect(tries).toEqual(['v2', 'v3']);
  });
  it('counts the applied value as the one read when a load took a newer value than it was asked for, or a SIGHUP served one', async () => {
    let holder = 'v2';
    const inSync: boolean[] = [];
    const w = new ChangeWatcher({ initial: 'v1', intervalMs: 1000, read: async () => holder, onChange: () => 'v3', onInSync: (s) => void inSync.push(s) });
    // Asked for v2, the load followed the stage to v3: v3 is what the stage holds, so in sync all along.
    await w.check();
    expect(inSync).toEqual([]);
    holder = 'v4';
    w.served('v4');
    expect(inSync).toEqual([]);
  });

  it('tells once when the value vanishes and once when one is back, and whether the applied value is the one read', async () => {
    const values: (string | undefined)[] = [undefined, undefined, 'v1', undefined, 'v2', 'v2', 'v2', 'v2'];
    const events: string[] = [];
    let takes = false;
    const w = new ChangeWatcher({
      initial: 'v1',
      intervalMs: 1000,
      read: async () => values.shift(),
      onChange: (v) => (events.push(`change ${v}`), takes),
      onVacancy: (vacant, value, applied) => void events.push(vacant ? `vacant (${applied})` : `held by ${value} (${applied})`),
      onInSync: (inSync) => void events.push(inSync ? 'in sync' : 'behind'),
    });
    for (let i = 0; i < 4; i++) await w.check();
    expect(events).toEqual(['vacant (v1)', 'behind', 'held by v1 (v1)', 'in sync', 'vacant (v1)', 'behind']);
    events.length = 0;
    await w.check();
    await w.check();
    takes = true;
    await w.check(); // the second failure's wait
    await w.check();
    expect(events).toEqual(['held by v2 (v1)', 'change v2', 'change v2', 'change v2', 'in sync']);
  });
});

describe('stageHolderReader', () => {
  it('names the version and commit holding the stage, and moves when the stage tag moves', async () => {
    const repo = makeRepo({ 'model.txt': 'a' });
    commitAll(repo, 'model a');
    git(repo, 'tag', '-a', 'churn@v1.0.0', '-m', 'register');
    git(repo, 'tag', '-a', 'churn#prod#1', '-m', 'promote');
    const read = stageHolderReader(repo.dir, 'churn', 'prod');
    const first = await read();
    expect(first).toMatch(/^v1\.0\.0 [0-9a-f]{40}$/);
    expect(await stageHolderReader(repo.dir, 'churn', 'staging')()).toBeUndefined();

    repo.write('model.txt', 'b');
    commitAll(repo, 'model b');
    git(repo, 'tag', '-a', 'churn@v1.1.0', '-m', 'register');
    git(repo, 'tag', '-a', 'churn#prod#2', '-m', 'promote');
    const second = await read();
    expect(second).toMatch(/^v1\.1\.0 /);
    expect(second).not.toBe(first);
  });
});

describe('reloadOnSignal', () => {
  it('calls reload on SIGHUP until removed', () => {
    const target = new EventEmitter();
    let reloads = 0;
    const remove = reloadOnSignal(() => reloads++, { target: target as unknown as NodeJS.Process });
    target.emit('SIGHUP');
    target.emit('SIGHUP');
    remove();
    target.emit('SIGHUP');
    expect(reloads).toBe(2);
  });
});
