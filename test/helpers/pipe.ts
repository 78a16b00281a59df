/** @module Runs the real `pipe` bin as a child process, the way a user's shell would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { track } from './temp-dir.js';

/** The bin under test; PIPE_BIN points the suite at another build (e.g. a stable copy while sources change). */
export const PIPE_BIN = process.env.PIPE_BIN ?? fileURLToPath(new URL('../../bin/pipe.js', import.meta.url));

export interface PipeResult {
  /** Exit code, or null when the process died of a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface PipeOptions {
  /** Extra environment variables for the pipe process (and so for its stages). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Kill the process after this long: a hang detector sized for a loaded machine, not a speed
   * check (the suite asserts no durations). Keep it below the test's own timeout so that a hung
   * process fails the test with its output instead of a bare timeout.
   */
  readonly timeoutMs?: number;
}

/** A pipe process still running: its output so far, and a way to wait for a line of it. */
export interface RunningPipe {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches `pattern`; rejects when the process exits first or after `timeoutMs` (a hang detector). */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<void>;
  readonly done: Promise<PipeResult>;
}

/** Grace period between SIGTERM (pipe stops its stages) and SIGKILL when a test's directory is removed under a running pipe. */
const STOP_GRACE_MS = 5_000;

export function startPipe(cwd: string, args: readonly string[], { env = {}, timeoutMs = 200_000 }: PipeOptions = {}): RunningPipe {
  // NO_COLOR keeps assertions on plain text even if the suite itself runs on a terminal.
  const child = spawn(process.execPath, [PIPE_BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((l) => l());
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    out += c;
    changed();
  });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    err += c;
    changed();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<PipeResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      changed();
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  let exited = false;
  // Settled either way; a spawn error reaches whoever awaits `done`, never an unhandled rejection.
  const settled = done.then(
    () => undefined,
    () => undefined,
  );
  const untrack = track({
    cwd,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const grace = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await settled;
      clearTimeout(grace);
    },
  });
  void settled.then(() => {
    exited = true;
    untrack();
  });
  return {
    child,
    pid: child.pid as number,
    stdout: () => out,
    stderr: () => err,
    done,
    waitForStdout(pattern, waitMs = 200_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(out)) {
            finish();
            resolve();
          } else if (exited) {
            finish();
            reject(new Error(`pipe ${args.join(' ')} exited before printing ${pattern}\nstdout:\n${out}\nstderr:\n${err}`));
          }
        };
        const t = setTimeout(() => {
          finish();
          reject(new Error(`no ${pattern} from pipe ${args.join(' ')} within ${waitMs} ms\nstdout:\n${out}\nstderr:\n${err}`));
        }, waitMs);
        const finish = () => {
          clearTimeout(t);
          listeners.delete(check);
        };
        listeners.add(check);
        void settled.then(check);
        check();
      });
    },
  };
}

/** Runs `pipe ARGS…` in `cwd` to completion. */
export function runPipe(cwd: string, args: readonly string[], options: PipeOptions = {}): Promise<PipeResult> {
  return startPipe(cwd, args, options).done;
}
