import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLive, liveMembers } from '../../test/helpers/processes.js';
import { makeStage } from '../../test/helpers/stage.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { waitUntil } from '../../test/helpers/wait-until.js';
import { runStage } from './run-stage.js';

type Line = [stream: 'stdout' | 'stderr', text: string];

/** Runs a stage named `s` of `cmd` in a fresh directory, recording every line it prints. */
function run(cmd: string | string[], { env = {}, wdir = '.', root = tempDir('pipe-run-stage-') }: { env?: Record<string, string>; wdir?: string; root?: string } = {}) {
  const stage = makeStage({ name: 's', cmd, wdir, env });
  const lines: Line[] = [];
  const running = runStage({
    root,
    stage,
    output: {
      line(name, stream, text) {
        expect(name).toBe('s');
        lines.push([stream, text]);
      },
    },
  });
  const read = (file: string) => readFileSync(join(root, file), 'utf8');
  return { ...running, lines, root, read, has: (file: string) => existsSync(join(root, file)) };
}

const of = (lines: readonly Line[], stream: Line[0]) => lines.filter(([s]) => s === stream).map(([, t]) => t);

describe('runStage', () => {
  it('succeeds when every command exits 0, running them in order', async () => {
    const s = run(['echo one > log', 'echo two >> log']);
    expect(await s.done).toEqual({ ok: true, stderrTail: '' });
    expect(s.read('log')).toBe('one\ntwo\n');
  });

  it("reports the failing command's exit code and runs none of the commands after it", async () => {
    const s = run(['true', 'echo oops >&2; exit 3', 'echo > after']);
    expect(await s.done).toEqual({ ok: false, exitCode: 3, signal: undefined, failedCmd: 'echo oops >&2; exit 3', stderrTail: 'oops' });
    expect(s.has('after')).toBe(false);
  });

  it('reports the signal that killed a command', async () => {
    const r = await run('kill -KILL $$').done;
    expect(r.ok).toBe(false);
    expect(r.signal).toBe('SIGKILL');
    expect(r.failedCmd).toBe('kill -KILL $$');
  });

  it('passes stdout and stderr on line by line, each in order, with a partial last line and CRLF ends trimmed', async () => {
    const s = run(`printf 'a\\nb\\r\\n'; printf 'x\\ny\\n' >&2; printf 'c'; printf 'z' >&2`);
    expect((await s.done).ok).toBe(true);
    expect(of(s.lines, 'stdout')).toEqual(['a', 'b', 'c']);
    expect(of(s.lines, 'stderr')).toEqual(['x', 'y', 'z']);
  });

  it('streams a line as soon as it is printed, not when the command ends', async () => {
    const s = run('echo first; while [ ! -f go ]; do sleep 0.05; done; echo second');
    await waitUntil(() => s.lines.length > 0, 'the first line');
    expect(s.lines).toEqual([['stdout', 'first']]);
    writeFileSync(join(s.root, 'go'), '');
    expect((await s.done).ok).toBe(true);
    expect(s.lines).toEqual([
      ['stdout', 'first'],
      ['stdout', 'second'],
    ]);
  });

  it('keeps the last 20 lines of stderr for the failure message', async () => {
    const r = await run('for i in $(seq 1 25); do echo "e$i" >&2; done; exit 1').done;
    expect(r.stderrTail.split('\n')).toEqual(Array.from({ length: 20 }, (_, i) => `e${i + 6}`));
  });

  it("runs in the stage's wdir with its env added to pipe's own, and finds the repository's node_modules/.bin first on PATH", async () => {
    const root = tempDir('pipe-run-stage-');
    mkdirSync(join(root, 'sub'));
    mkdirSync(join(root, 'node_modules/.bin'), { recursive: true });
    writeFileSync(join(root, 'node_modules/.bin/local-tool'), '#!/bin/sh\necho local tool\n', { mode: 0o755 });
    process.env.PIPE_RUN_STAGE_TEST_INHERITED = 'inherited';
    try {
      const s = run('pwd -P; echo "$GREETING $PIPE_RUN_STAGE_TEST_INHERITED"; local-tool', { root, wdir: 'sub', env: { GREETING: 'hello' } });
      expect(await s.done).toMatchObject({ ok: true });
      expect(of(s.lines, 'stdout')).toEqual([realpathSync(join(root, 'sub')), 'hello inherited', 'local tool']);
    } finally {
      delete process.env.PIPE_RUN_STAGE_TEST_INHERITED;
    }
  });

  it("kill() stops the stage's whole process group, background children too, and runs no further command", async () => {
    const s = run(['sleep 600 & echo $! > child.pid; echo $$ > shell.pid; wait', 'echo > after']);
    await waitUntil(() => s.has('shell.pid') && s.read('shell.pid').endsWith('\n'), 'the stage to start');
    const shell = Number(s.read('shell.pid'));
    const child = Number(s.read('child.pid'));
    expect(liveMembers(shell).sort()).toEqual([shell, child].sort());
    s.kill();
    const r = await s.done;
    expect(r).toMatchObject({ ok: false, signal: 'SIGTERM' });
    await waitUntil(() => !isLive(child), `the background sleep ${child} to exit`);
    expect(s.has('after')).toBe(false);
  });

  it('kill() escalates to SIGKILL for a stage that ignores SIGTERM', async () => {
    const s = run("trap '' TERM; echo $$ > shell.pid; while :; do sleep 0.05; done");
    await waitUntil(() => s.has('shell.pid') && s.read('shell.pid').endsWith('\n'), 'the stage to start');
    s.kill();
    expect(await s.done).toMatchObject({ ok: false, signal: 'SIGKILL' });
  });
});
