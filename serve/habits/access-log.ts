/**
 * @module One JSON line per request: time, request id, method, route pattern, status, duration,
 * the caller's key id, rows scored and model version (set by the routes). Never the key, a body, a
 * query string or the raw path, so no secret a caller sent ends up in a log.
 */
import type { Writable } from 'node:stream';
import type { MiddlewareHandler } from 'hono';
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
  /** Where lines go (stdout by default), once per turn of the event loop; lines are dropped rather than queued while the stream is backed up, and their count is written once it drains. */
  stream?: Pick<Writable, 'write' | 'once'>;
  /** Milliseconds, monotonic (for the duration). */
  now?: () => number;
}

export function accessLog({ stream = process.stdout, now = () => performance.now() }: AccessLogOptions = {}): MiddlewareHandler<HabitsEnv> {
  let dropped = 0;
  let backedUp = false;
  // Lines of one turn of the event loop go out in one write: a stream write costs more than formatting a line.
  let pending = '';
  const flush = () => {
    const text = pending;
    pending = '';
    if (backedUp) {
      dropped += countLines(text);
      return;
    }
    if (!stream.write(text)) {
      backedUp = true;
      stream.once('drain', () => {
        backedUp = false;
        if (dropped > 0) write(`${JSON.stringify({ time: new Date().toISOString(), droppedLogLines: dropped })}\n`);
        dropped = 0;
      });
    }
  };
  const write = (line: string) => {
    if (pending === '') setImmediate(flush);
    pending += line;
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
  return async function accessLog(c, next) {
    const start = now();
    let status = 500;
    try {
      await next();
      status = c.res.status;
    } finally {
      const line: AccessLogLine = {
        time: isoNow(),
        requestId: c.get('requestId'),
        method: c.req.method,
        // The last matched route is the one that answers or would have (when auth refused first).
        route: routePath(c, -1),
        status,
        durationMs: Math.round((now() - start) * 1000) / 1000,
        keyId: c.get('apiKeyId'),
        rows: c.get('logRows'),
        modelVersion: c.get('logModelVersion'),
      };
      write(`${JSON.stringify(line)}\n`);
    }
  };
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
