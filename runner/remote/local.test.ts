import { createHash } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, watch, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inventory } from './inventory.js';
import { DirectoryRemote, machineId } from './local.js';
import { ObjectMismatch } from './remote.js';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'pipe-remote-unit-'));
  made.push(d);
  return d;
}
const hex = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const key = (h: string) => `files/sha256/${h.slice(0, 2)}/${h.slice(2)}`;

describe('DirectoryRemote', () => {
  it('uploads only bytes that match their name, atomically', async () => {
    const root = temp();
    const src = join(temp(), 'obj');
    writeFileSync(src, 'hello\n');
    const remote = new DirectoryRemote('d', root);
    await remote.upload(key(hex('hello\n')), { abs: src, size: 6, hex: hex('hello\n') });
    expect(readFileSync(join(root, key(hex('hello\n'))), 'utf8')).toBe('hello\n');

    writeFileSync(src, 'corrupt\n');
    await expect(remote.upload(key(hex('hello!\n')), { abs: src, size: 8, hex: hex('hello!\n') })).rejects.toBeInstanceOf(ObjectMismatch);
    expect(existsSync(join(root, key(hex('hello!\n'))))).toBe(false);
    // No temp file left beside where it would have gone.
    const dir = join(root, 'files/sha256', hex('hello!\n').slice(0, 2));
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it('keeps a record of where its copy threads write temps while it writes, named by its prefix, and drops it on close', async () => {
    const root = temp();
    const writers = join(temp(), 'pipe-tmp');
    const src = join(temp(), 'obj');
    writeFileSync(src, 'recorded\n');
    const h = hex('recorded\n');
    const dir = join(root, 'files/sha256', h.slice(0, 2));
    mkdirSync(dir, { recursive: true });
    const seen: string[] = [];
    const watcher = watch(dir, (_event, name) => name && seen.push(name));
    const remote = new DirectoryRemote('d', root, { writers });
    await remote.upload(key(h), { abs: src, size: 9, hex: h });
    await new Promise((done) => setTimeout(done, 50));
    watcher.close();
    // The copy thread's temp carried this process's prefix (host, pid, random), the one its record names.
    const [record] = readdirSync(writers);
    const [head, ...dirs] = readFileSync(join(writers, record as string), 'utf8').trim().split('\n');
    const { prefix, pid, host } = JSON.parse(head as string) as { prefix: string; pid: number; host: string };
    expect([pid, host]).toEqual([process.pid, hostname()]);
    expect(prefix.startsWith(`${hostname()}-${process.pid}-`)).toBe(true);
    expect(seen.some((name) => name.startsWith(`.tmp-${prefix}`))).toBe(true);
    // Lines relative to the root: a record names no path outside the remote's fan-out directories.
    expect(dirs).toEqual([`files/sha256/${h.slice(0, 2)}`]);
    remote.close();
    expect(readdirSync(writers)).toEqual([]);
  });

  it("removes, on opening, the temps a killed writer's record names, and nothing else: not a live writer's, another machine's or remote's", async () => {
    const root = temp();
    const writers = join(temp(), 'pipe-tmp');
    mkdirSync(writers);
    const dir = join(root, 'files/sha256/ab');
    mkdirSync(dir, { recursive: true });
    // A pid that is not running (a child that has exited and been reaped), and one that runs.
    const dead = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
    const live = spawn('sleep', ['60'], { stdio: 'ignore' });
    const livePid = live.pid as number;
    try {
      const machine = machineId();
      const records = {
        dead: { remote: root, prefix: `${hostname()}-${dead}-0123abcd-`, pid: dead, host: hostname(), machine },
        live: { remote: root, prefix: `${hostname()}-${livePid}-0123abce-`, pid: livePid, host: hostname(), machine },
        otherHost: { remote: root, prefix: `elsewhere-${dead}-0123abcf-`, pid: dead, host: 'elsewhere', machine },
        otherMachine: { remote: root, prefix: `${hostname()}-${dead}-0123abd0-`, pid: dead, host: hostname(), machine: 'another-namespace' },
        otherRemote: { remote: join(root, 'x'), prefix: `${hostname()}-${dead}-0123abd1-`, pid: dead, host: hostname(), machine },
      };
      const recordName = (i: number, pid: number) => `remote-writer-${pid}-0000000${i}.json`;
      Object.values(records).forEach((r, i) => {
        // Each names the prefix directory, and lines that are not a fan-out directory of the remote (never swept).
        writeFileSync(join(writers, recordName(i, r.pid)), `${JSON.stringify(r)}\nfiles/sha256/ab\n..\nfiles/sha256/ab/../../..\n${join(root, '..')}\n`);
        writeFileSync(join(dir, `.tmp-${r.prefix}3-2`), 'partial');
      });
      writeFileSync(join(dir, `.tmp-${records.dead.prefix}7`), 'partial');
      writeFileSync(join(dir, `.tmp-${dead}-3-2`), 'not a remote writer');
      writeFileSync(join(root, '..', `.tmp-${records.dead.prefix}9`), 'outside the remote');
      // Opened by a URL spelled with a trailing slash: the same remote.
      new DirectoryRemote('d', `${root}/`, { writers }).close();
      const left = readdirSync(dir);
      expect(left.filter((n) => n.startsWith(`.tmp-${records.dead.prefix}`))).toEqual([]);
      for (const name of ['live', 'otherHost', 'otherMachine', 'otherRemote'] as const) expect(left).toContain(`.tmp-${records[name].prefix}3-2`);
      expect(left).toContain(`.tmp-${dead}-3-2`);
      expect(existsSync(join(root, '..', `.tmp-${records.dead.prefix}9`))).toBe(true);
      rmSync(join(root, '..', `.tmp-${records.dead.prefix}9`));
      // The dead writer's record is gone; the others stay.
      expect(readdirSync(writers).sort()).toEqual([recordName(1, livePid), recordName(2, dead), recordName(3, dead), recordName(4, dead)].sort());
    } finally {
      live.kill();
    }
  });

  it('removes the empty record of a writer killed before its first line (no temp yet), not a live one’s', () => {
    const root = temp();
    const writers = join(temp(), 'writers');
    mkdirSync(writers);
    const dead = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
    writeFileSync(join(writers, `remote-writer-${dead}-0000000a.json`), '');
    writeFileSync(join(writers, `remote-writer-${dead}-0000000b.json`), '{"remote": "/cut sh');
    writeFileSync(join(writers, `remote-writer-${process.pid}-0000000c.json`), '');
    new DirectoryRemote('d', root, { writers }).close();
    expect(readdirSync(writers)).toEqual([`remote-writer-${process.pid}-0000000c.json`]);
  });

  it('keeps a dead writer’s record when one of its temps cannot be removed, and opens the remote all the same', () => {
    const root = temp();
    const writers = join(temp(), 'writers');
    mkdirSync(writers);
    const dead = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
    const prefix = `${hostname()}-${dead}-0123abcd-`;
    const dir = join(root, 'runs/9f');
    // A directory where the temp would be: rmSync cannot remove it (as EROFS or EACCES would refuse a file).
    mkdirSync(join(dir, `.tmp-${prefix}1-0`), { recursive: true });
    writeFileSync(join(dir, `.tmp-${prefix}1-1`), 'partial');
    const record = join(writers, `remote-writer-${dead}-00000009.json`);
    writeFileSync(record, `${JSON.stringify({ remote: root, prefix, pid: dead, host: hostname(), machine: machineId() })}\nruns/9f\n`);
    expect(() => new DirectoryRemote('d', root, { writers }).close()).not.toThrow();
    expect(readdirSync(dir)).toEqual([`.tmp-${prefix}1-0`]);
    expect(existsSync(record)).toBe(true);
  });

  it('verifies large objects chunk by chunk', async () => {
    const root = temp();
    const src = join(temp(), 'big');
    const bytes = Buffer.alloc((17 << 20) + 5, 7);
    writeFileSync(src, bytes);
    const remote = new DirectoryRemote('d', root);
    await remote.upload(key(hex(bytes)), { abs: src, size: bytes.length, hex: hex(bytes) });
    const dest = join(temp(), 'back');
    expect(await remote.download(key(hex(bytes)), dest)).toEqual({ hex: hex(bytes), size: bytes.length });
    expect(await remote.download(key(hex('absent')), join(temp(), 'x'))).toBeUndefined();
    // The fast path: straight to its place, with the mtime asked for; nothing on a mismatch.
    const placed = join(temp(), 'placed');
    expect(await remote.downloadVerified(key(hex(bytes)), placed, hex(bytes), 1_000_000)).toEqual({ state: 'ok', size: bytes.length });
    expect(statSync(placed).mtimeMs).toBe(1_000_000);
    const wrong = join(temp(), 'wrong');
    expect(await remote.downloadVerified(key(hex(bytes)), wrong, hex('other'), 0)).toEqual({ state: 'mismatch', actual: hex(bytes) });
    expect(existsSync(wrong)).toBe(false);
    expect(await remote.downloadVerified(key(hex('absent')), wrong, hex('absent'), 0)).toEqual({ state: 'missing' });
    remote.close();
  });

  it('refuses a FIFO or a symlink to /dev/zero in place of an object, by name, without reading it or leaving anything', async () => {
    const root = temp();
    const fifo = key(hex('fifo'));
    const zero = key(hex('zero'));
    mkdirSync(dirname(join(root, fifo)), { recursive: true });
    mkdirSync(dirname(join(root, zero)), { recursive: true });
    execFileSync('mkfifo', [join(root, fifo)]);
    symlinkSync('/dev/zero', join(root, zero));
    const remote = new DirectoryRemote('d', root);
    const out = temp();
    // Each of these hung (the FIFO waits for a writer) or filled memory (/dev/zero never ends).
    expect(await remote.downloadVerified(fifo, join(out, 'a'), hex('fifo'), 0, 5)).toEqual({ state: 'refused', problem: 'it is a FIFO, not a regular file' });
    expect(await remote.downloadVerified(zero, join(out, 'b'), hex('zero'), 0)).toEqual({ state: 'refused', problem: 'it is a character device, not a regular file' });
    await expect(remote.download(zero, join(out, 'c'))).rejects.toMatchObject({ key: zero, problem: 'it is a character device, not a regular file' });
    await expect(remote.read(fifo, 1 << 20)).rejects.toThrow(`remote 'd': ${fifo} is a FIFO, not a regular file; remove it from ${root}`);
    await expect(remote.read(zero, 1 << 20)).rejects.toMatchObject({ code: 'REMOTE_FAILED', data: { objects: [zero] } });
    expect(readdirSync(out)).toEqual([]);
    // Bounded by the expected size: a longer object is refused, never read whole.
    const long = key(hex('long'));
    mkdirSync(dirname(join(root, long)), { recursive: true });
    writeFileSync(join(root, long), 'longer than five bytes');
    expect(await remote.downloadVerified(long, join(out, 'd'), hex('long'), 0, 5)).toEqual({ state: 'refused', problem: 'it holds more than the 5 bytes expected' });
    expect(readdirSync(out)).toEqual([]);
    remote.close();
  }, 30_000);

  it('refuses a directory that does not exist', () => {
    expect(() => new DirectoryRemote('d', join(temp(), 'nope'))).toThrow(/does not exist; create it/);
  });
});

describe('inventory', () => {
  it('keeps only valid object keys from a listing', async () => {
    const root = temp();
    const good = hex('a');
    mkdirSync(join(root, 'files/sha256', good.slice(0, 2)), { recursive: true });
    writeFileSync(join(root, key(good)), 'a');
    mkdirSync(join(root, 'files/sha256/zz'), { recursive: true });
    writeFileSync(join(root, 'files/sha256/zz/evil'), '');
    writeFileSync(join(root, 'files/sha256', good.slice(0, 2), 'not-a-hash'), '');
    const remote = new DirectoryRemote('d', root);
    const wanted = new Map<string, number | undefined>([[key(good), 1], [key(hex('b')), 1]]);
    const listed = await inventory({ remote, prefix: 'files/sha256/', wanted, jobs: 4, list: true });
    expect([...listed.present]).toEqual([key(good)]);
    expect([...(listed.listed ?? [])]).toEqual([key(good)]);
    const headed = await inventory({ remote, prefix: 'files/sha256/', wanted, jobs: 4 });
    expect(headed.method).toBe('head');
    expect([...headed.present]).toEqual([key(good)]);
  });

  it('treats an object of the wrong size as absent (a partial write by a store that is not atomic)', async () => {
    const root = temp();
    const h = hex('abc');
    mkdirSync(join(root, 'files/sha256', h.slice(0, 2)), { recursive: true });
    writeFileSync(join(root, key(h)), 'ab');
    const remote = new DirectoryRemote('d', root);
    const r = await inventory({ remote, prefix: 'files/sha256/', wanted: new Map([[key(h), 3]]), jobs: 1 });
    expect([...r.present]).toEqual([]);
    expect([...r.damaged]).toEqual([key(h)]);
  });

  it('removes keys (absent ones are no error) and names the key it could not remove', async () => {
    const root = temp();
    const remote = new DirectoryRemote('d', root);
    const [a, b, c] = ['a', 'b', 'c'].map((x) => hex(x)) as [string, string, string];
    await remote.write(key(a), Buffer.from('a'));
    await remote.write(key(b), Buffer.from('b'));
    await remote.remove([key(a), key(b), key(c)], 2);
    expect(existsSync(join(root, key(a)))).toBe(false);
    expect(existsSync(join(root, key(b)))).toBe(false);

    // A directory where an object should be: unlink fails (EISDIR) whoever runs the test.
    mkdirSync(join(root, key(c), 'x'), { recursive: true });
    const err = await remote.remove([key(c)], 1).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REMOTE_FAILED', data: { remote: 'd', reason: 'failed', objects: [key(c)] } });
    expect((err as Error).message).toMatch(/^remote 'd': EISDIR on /);
  });
});
