/**
 * @module The request id: the caller's `X-Request-Id` when it is a sane one (letters, digits, `_`,
 * `-`, `=`, at most 128 characters), else a fresh UUID; kept for the access log and sent back on
 * the answer. Hono's requestId middleware does the same, but sets the header through `c.header()`;
 * this one puts it among the answer's added headers (answer-headers.ts), and, being the first
 * habit, adds them to whatever answer the inner ones made.
 */
import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { applyAnswerHeaders } from './answer-headers.js';
import type { HabitsEnv } from './variables.js';

const SANE = /^[\w\-=]+$/;

/** Gives this request its id (for the log, and among the answer's added headers). */
export function assignRequestId(c: Context<HabitsEnv>, limitLength = 128): void {
  let id = c.req.header('x-request-id');
  // randomUUID draws from a cache of random bytes it refills in batches: well under a microsecond.
  if (id === undefined || id.length > limitLength || !SANE.test(id)) id = randomUUID();
  c.set('requestId', id);
  const added = c.get('answerHeaders');
  if (added === undefined) c.set('answerHeaders', { 'x-request-id': id });
  else added['x-request-id'] = id;
}

export function requestId({ limitLength = 128 }: { limitLength?: number } = {}): MiddlewareHandler<HabitsEnv> {
  return async function requestId(c, next) {
    assignRequestId(c, limitLength);
    await next();
    applyAnswerHeaders(c);
  };
}
