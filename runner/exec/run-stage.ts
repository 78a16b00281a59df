/** @module Runs one stage's commands through a shell in its own process group, streaming its output. */
import { join } from 'node:path';
import type { Stage } from '../pipeline/pipeline.js';
import { LineSplitter, TailBuffer } from './line-splitter.js';

export interface StageOutput {
  line(stage: string, stream: 'stdout' | 'stderr', text: string): void;
}

export interface RunResult {
  readonly ok: boolean;
  readonly exitCode?: number;
  readonly signal?: string;
  /** The command of the list that failed. */
  readonly failedCmd?: string;
  readonly stderrTail: string;
}

export interface RunningStage {
  readonly done: Promise<RunResult>;
  /** Stops the stage's whole process group (TERM, then KILL after a grace period). */
  kill(): void;
}

const TAIL_LINES = 20;
const KILL_GRACE_MS = 3000;

/** Told of each command's process group as it starts and ends (the repository mutex records them: a killed pipe's stages are stopped by the next one). */
export interface GroupTracker {
  stageStarted(pid: number): void;
  stageEnded(pid: number): void;
  /** Added to each stage's environment (marks its processes as this run's). */
  readonly stageEnv: Readonly<Record<string, string>>;
}

export function runStage({ root, stage, output, groups }: { root: string; stage: Stage; output: StageOutput; groups?: GroupTracker }): RunningStage {
  let current: { pid?: number } | undefined;
  let killed = false;
  const killGroup = (signal: NodeJS.Signals) => {
    if (current?.pid === undefined) return;
    try {
      process.kill(-current.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  const done = (async (): Promise<RunResult> => {
    const { execa } = await import('execa');
    const tail = new TailBuffer(TAIL_LINES);
    for (const cmd of stage.cmd) {
      if (killed) return { ok: false, signal: 'SIGTERM', stderrTail: tail.text() };
      const child = execa(cmd, {
        shell: true,
        cwd: join(root, stage.wdir),
        env: { ...groups?.stageEnv, ...stage.env },
        extendEnv: true,
        // Like npm scripts: the repository's node_modules/.bin comes first on PATH.
        preferLocal: true,
        localDir: root,
        detached: true,
        stdin: 'ignore',
        reject: false,
        buffer: false,
        encoding: 'utf8',
        cleanup: true,
      });
      current = child;
      const pid = child.pid;
      if (pid !== undefined) groups?.stageStarted(pid);
      const out = new LineSplitter((l) => output.line(stage.name, 'stdout', l));
      const err = new LineSplitter((l) => {
        tail.push(l);
        output.line(stage.name, 'stderr', l);
      });
      child.stdout?.setEncoding('utf8').on('data', (c: string) => out.push(c));
      child.stderr?.setEncoding('utf8').on('data', (c: string) => err.push(c));
      const result = await child.finally(() => {
        // Recorded only while the command runs: once it has ended, its group id may be reused.
        if (pid !== undefined) groups?.stageEnded(pid);
      });
      out.end();
      err.end();
      current = undefined;
      if (result.exitCode !== 0 || result.signal) {
        return {
          ok: false,
          exitCode: result.exitCode,
          signal: result.signal,
          failedCmd: cmd,
          stderrTail: tail.text(),
        };
      }
    }
    return { ok: true, stderrTail: tail.text() };
  })();
  return {
    done,
    kill() {
      killed = true;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS).unref();
    },
  };
}
