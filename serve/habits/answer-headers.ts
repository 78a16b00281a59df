/**
 * @module The headers the service adds to its answers (request id, rate limits, model version),
 * gathered per request in a plain object, and the JSON answer of the hot routes built in one piece
 * with them. @hono/node-server writes a Response made with a plain-object `headers` straight to
 * `writeHead`; Hono's `c.header()` makes a WHATWG `Headers` instead, which node-server then copies
 * back into an object: ~5 µs a request for the two or three headers every answer carries.
 */
import type { Context } from 'hono';
import type { HabitsEnv } from './variables.js';

export type AnswerHeaders = Record<string, string>;

/** The answers that already carry the request's headers (built by jsonAnswer). */
const carrying = new WeakSet<Response>();

/** This request's added headers (lower-case names), created on first use. */
export function answerHeaders(c: Context<HabitsEnv>): AnswerHeaders {
  let headers = c.get('answerHeaders');
  if (headers === undefined) {
    headers = {};
    c.set('answerHeaders', headers);
  }
  return headers;
}

/** `body` as a JSON answer carrying this request's added headers, in one plain-object Response. */
export function jsonAnswer(c: Context<HabitsEnv>, body: unknown, status = 200): Response {
  return jsonTextAnswer(c, JSON.stringify(body), status);
}

/** An answer of JSON text already written (the single prediction's template), as jsonAnswer. */
export function jsonTextAnswer(c: Context<HabitsEnv>, json: string, status = 200): Response {
  const added = c.get('answerHeaders');
  const response = new Response(json, { status, headers: added === undefined ? { 'content-type': 'application/json' } : { 'content-type': 'application/json', ...added } });
  carrying.add(response);
  return response;
}

/** Adds this request's headers to an answer built some other way (c.json, an error, a 401), once the answer is made; again is a no-op. */
export function applyAnswerHeaders(c: Context<HabitsEnv>): void {
  const added = c.get('answerHeaders');
  if (added === undefined || carrying.has(c.res)) return;
  for (const name in added) c.header(name, added[name]);
  carrying.add(c.res);
}
