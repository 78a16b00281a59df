/** @module The canary's view of who called (serve/canary/canary-key.ts) from a Hono request, and what every prediction response says about the model that answered. */
import type { Context } from 'hono';
import { callerKey, type CanaryKey } from '../canary/canary-key.js';
import { answerHeaders, clientAddress, type HabitsEnv } from '../habits/index.js';
import type { LoadedModel } from '../loaded-model.js';

/** The string the canary split hashes for this request; `row` is its (first) row. */
export function callerOf(c: Context<HabitsEnv>, key: CanaryKey, row: unknown): string {
  const record = typeof row === 'object' && row !== null && !Array.isArray(row) ? (row as Record<string, unknown>) : undefined;
  return callerKey(key, { header: (name) => c.req.header(name), row: record, apiKeyId: c.get('apiKeyId'), address: () => clientAddress(c) });
}

/** `X-Model-Version` on the response and the version in the access log. */
export function answeredBy(c: Context<HabitsEnv>, model: LoadedModel): void {
  answerHeaders(c)['x-model-version'] = model.label;
  c.set('logModelVersion', model.label);
}
