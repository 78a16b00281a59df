/**
 * @module One JSON line per request: time, request id, method, route pattern, status, duration,
 * the caller's key id, rows scored and model version (set by the routes). Never the key, a body, a
 * query string or the raw path, so no secret a caller sent ends up in a log.
 */
import type { Writable } from 'node:stream';
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { HabitsEnv } from './variables.js';

export interface AccessLogLine {
  time: string;
  requestId?: string;
  method: string;
  /** The matched route's pattern (`/v2/models/:name/infer`), `/*` when no route matched. */
  route: string;
  status: number;
  durationMs: number;
  keyId?: string;
  rows?: number;
  modelVersion?: string;
}

export interface AccessLogOptions {
  /**
   * Where lines go (stdout by default), in batches (flushMs, flushBytes); lines are dropped rather
   * than queued while the stream is backed up, and their count is written once it drains. A stream
   * that fails (its reader went away: EPIPE) ends the log, not the service.
   */
  stream?: Pick<Writable, 'write' | 'once'> & Partial<Pick<Writable, 'on'>>;
  /**
   * Longest a line waits to be written, in milliseconds (default 50; 0: at the end of the turn of
   * the event loop that wrote it), as nginx's `access_log … flush=`. Lines waiting are written
   * when the process exits (process.exit, the end of a drain); a SIGKILL loses at most these.
   */
  flushMs?: number;
  /** Lines waiting reach this many characters: they are written at the end of the turn (default 16 KiB), as nginx's `buffer=`. */
  flushBytes?: number;
  /** Where the one line saying the log ended goes (stderr by default). */
  warn?: (text: string) => void;
  /** Milliseconds, monotonic (for the duration). */
  now?: () => number;
}

/** The flushes of the logs on stdout that have lines waiting (one exit listener, however many apps a process makes). */
const waiting = new Set<(atExit?: boolean) => void>();
let exitHooked = false;

/**
 * Writes the lines every log on stdout holds, then resolves once stdout has taken everything queued
 * on it, or after `timeoutMs` (a reader that stopped reading must not hold a stop forever). A drain
 * calls it before it exits (lifecycle.ts): at the 'exit' event only what the pipe has room for can
 * still be written.
 */
export function settleAccessLogs(timeoutMs = 1000, stream: Pick<Writable, 'write' | 'writableLength' | 'destroyed'> = process.stdout): Promise<void> {
  for (const flush of [...waiting]) flush();
  // Nothing queued (the usual case, and always with --no-access-log): no write at all, so a stdout
  // whose reader is gone (`| head`) cannot fail the stop.
  if (stream.destroyed || stream.writableLength === 0) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    // An empty write's callback runs once the writes queued before it are done (or failed: the log's own 'error' listener has it).
    stream.write('', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Writes one request's line: `start` is when it began (by the log's clock), `route` the matched pattern. */
export type AccessLogWriter = (c: Context<HabitsEnv>, route: string, status: number, start: number) => void;

/** The access log's clock and line writer, for a layer that runs the habits itself (habit-layer.ts). */
export function accessLogWriter({
  stream = process.stdout,
  now = () => performance.now(),
  warn = (text) => process.stderr.write(text),
  flushMs = 50,
  flushBytes = 16 * 1024,
}: AccessLogOptions = {}): { now: () => number; write: AccessLogWriter } {
  let dropped = 0;
  let backedUp = false;
  // The stream failed (a log shipper that restarted, `| head`): an unhandled 'error' would have ended the process.
  let failed = false;
  stream.on?.('error', (error: NodeJS.ErrnoException) => {
    if (failed) return;
    failed = true;
    try {
      warn(`access log: its output failed (${error.code ?? error.message}); request lines are no longer written, the service goes on\n`);
    } catch {
      // stderr gone too: nothing left to tell
    }
  });
  // Lines go out in batches: a write to a pipe costs the service and the log's reader (woken for it)
  // more than formatting a line: 2.2 µs a line of both when written four lines at a time, 0.4 µs
  // four hundred at a time (bench/log-batch.mjs, docs/BENCHMARKS.md). Under load the size bound
  // flushes ~100 lines at once, written as pieces of whole lines up to PIPE_BUF (~20 lines: 0.96 µs a
  // line at sixteen); when quiet, a line waits at most flushMs.
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  const toStdout = stream === process.stdout;
  const flush = (atExit = false) => {
    if (timer !== undefined) clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
    timer = immediate = undefined;
    waiting.delete(flush);
    const text = pending;
    pending = '';
    if (failed || text === '') return;
    // At exit nothing is queued for later: what the pipe takes now is all that can be kept.
    if (atExit) {
      for (const piece of wholeLinePieces(dropped > 0 ? `${text}${droppedNote(dropped)}` : text)) stream.write(piece);
      return;
    }
    if (backedUp) {
      dropped += countLines(text);
      return;
    }
    let ok = true;
    for (const piece of wholeLinePieces(text)) ok = stream.write(piece) && ok;
    if (!ok) {
      backedUp = true;
      stream.once('drain', () => {
        backedUp = false;
        if (dropped > 0) write(droppedNote(dropped));
        dropped = 0;
      });
    }
  };
  const write = (line: string) => {
    if (pending === '' && toStdout) {
      // The service's own log: what waits is written by a drain (settleAccessLogs), else as the process exits.
      waiting.add(flush);
      if (!exitHooked) {
        exitHooked = true;
        process.once('exit', () => [...waiting].forEach((f) => f(true)));
      }
    }
    pending += line;
    if (immediate !== undefined) return;
    if (flushMs <= 0 || pending.length >= flushBytes) immediate = setImmediate(flush);
    // Unref'd: a waiting line does not keep the process alive.
    else timer ??= setTimeout(flush, flushMs).unref();
  };
  // Many requests share a millisecond: format its time once.
  let lastMs = 0;
  let lastIso = '';
  const isoNow = () => {
    const ms = Date.now();
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = new Date(ms).toISOString();
    }
    return lastIso;
  };
  return {
    now,
    write: (c, route, status, start) =>
      write(formatLine(isoNow(), c.get('requestId'), c.req.method, route, status, Math.round((now() - start) * 1000) / 1000, c.get('apiKeyId'), c.get('logRows'), c.get('logModelVersion'))),
  };
}

export function accessLog(options: AccessLogOptions = {}): MiddlewareHandler<HabitsEnv> {
  const { now, write } = accessLogWriter(options);
  return async function accessLog(c, next) {
    const start = now();
    let status = 500;
    try {
      await next();
      status = c.res.status;
    } finally {
      write(c, routePath(c, -1), status, start);
    }
  };
}

/** Strings that recur (methods, route patterns, versions) quoted once. */
const quotedOnce = new Map<string, string>();
function quoted(text: string): string {
  let q = quotedOnce.get(text);
  if (q === undefined) {
    q = JSON.stringify(text);
    if (quotedOnce.size < 1024) quotedOnce.set(text, q);
  }
  return q;
}

/**
 * The line JSON.stringify would make of an AccessLogLine (same keys, same order, absent ones left
 * out), written out by hand: a third of the cost. The last matched route is the one that answers
 * or would have (when auth refused first).
 */
export function formatLine(time: string, requestId: string | undefined, method: string, route: string, status: number, durationMs: number, keyId?: string, rows?: number, modelVersion?: string): string {
  return (
    `{"time":"${time}"${requestId === undefined ? '' : `,"requestId":${JSON.stringify(requestId)}`},"method":${quoted(method)},"route":${quoted(route)},"status":${status},"durationMs":${durationMs}` +
    `${keyId === undefined ? '' : `,"keyId":${JSON.stringify(keyId)}`}${rows === undefined ? '' : `,"rows":${rows}`}${modelVersion === undefined ? '' : `,"modelVersion":${quoted(modelVersion)}`}}\n`
  );
}

/** What POSIX writes to a pipe in one piece, never interleaved with another process's write (Linux: 4096 bytes). */
export const PIPE_BUF = 4096;

/**
 * `text` (whole lines) as pieces of at most PIPE_BUF bytes, each cut after a newline (a longer
 * line alone): with `--workers N` every worker writes to the one stdout, and a pipe keeps a write
 * whole only up to PIPE_BUF, so a larger one could be split by another worker's lines mid-line.
 */
export function wholeLinePieces(text: string): Buffer[] | [string] {
  if (text.length <= PIPE_BUF / 3) return [text];
  const bytes = Buffer.from(text);
  if (bytes.length <= PIPE_BUF) return [bytes];
  const pieces: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    let end = bytes.length - at <= PIPE_BUF ? bytes.length : bytes.lastIndexOf(0x0a, at + PIPE_BUF - 1) + 1;
    // One line longer than a piece: it goes alone, to its end.
    if (end <= at) end = bytes.indexOf(0x0a, at) + 1 || bytes.length;
    pieces.push(bytes.subarray(at, end));
    at = end;
  }
  return pieces;
}

/** The line that says how many lines were dropped while the stream was backed up. */
const droppedNote = (dropped: number) => `${JSON.stringify({ time: new Date().toISOString(), droppedLogLines: dropped })}\n`;

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
