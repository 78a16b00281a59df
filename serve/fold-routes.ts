/**
 * @module Registers the routes declared on one Hono app (a table: never asked to answer) on the
 * app that answers, each as ONE handler: the habit layer around the route's own handlers. A
 * route with one handler takes Hono's fast path (no compose: no `async` dispatch frame per
 * middleware), and the habits run synchronously until the route answers with a promise.
 */
import type { Context, Handler, Hono, Next } from 'hono';
import type { HabitLayer, HabitsEnv } from './habits/index.js';

type AnyHandler = Handler<HabitsEnv>;

/** Every route of `table` on `app`, inside `layer`; declaring the same method and path twice makes one chain, in order (as compose would run them). */
export function foldRoutes(table: Hono<HabitsEnv>, app: Hono<HabitsEnv>, layer: HabitLayer): void {
  const chains = new Map<string, { method: string; path: string; handlers: AnyHandler[] }>();
  for (const { method, path, handler } of table.routes) {
    const key = `${method} ${path}`;
    const chain = chains.get(key) ?? { method, path, handlers: [] };
    chain.handlers.push(handler as AnyHandler);
    chains.set(key, chain);
  }
  for (const { method, path, handlers } of chains.values()) {
    const run = runChain(handlers);
    app.on(method, path, (c) => layer(c, path, () => run(c)));
  }
}

/**
 * The route's handlers in order, like compose: the route-local middlewares are guards (check, then
 * `return next()`), so the handler's answer passes through them untouched, synchronously when it is
 * synchronous; a middleware that awaits next() and returns nothing answers with what next() did.
 */
export function runChain(handlers: readonly AnyHandler[]): (c: Context<HabitsEnv>) => Response | Promise<Response> {
  const run = (c: Context<HabitsEnv>, i: number): unknown => {
    const h = handlers[i] as AnyHandler;
    if (i + 1 === handlers.length) return h(c, noNext);
    let inner: unknown;
    const out: unknown = h(c, (() => (inner = run(c, i + 1))) as Next);
    if (out === inner || inner === undefined) return out;
    return out instanceof Promise ? out.then((v: unknown) => v ?? inner) : (out ?? inner);
  };
  return (c) => {
    const out = run(c, 0);
    return out instanceof Promise ? out.then((v: unknown) => answerOf(c, v)) : answerOf(c, out);
  };
}

const noNext: Next = () => Promise.resolve();

function answerOf(c: Context<HabitsEnv>, value: unknown): Response {
  if (value) return value as Response;
  if (c.finalized) return c.res;
  throw new Error('a route answered nothing: every handler must return a Response');
}
