/** @module The per-request values the habits share through Hono's context: who called (set by auth), and what the access log should say about the work (set by the routes). */
import type { RequestIdVariables } from 'hono/request-id';

export interface HabitsVariables extends RequestIdVariables {
  /** The caller's key id (first 8 hex of the key's SHA-256), set by apiKeyAuth; absent when auth is off or the path is open. */
  apiKeyId?: string;
  /** Rows scored by this request (a batch route sets it), for the access log. */
  logRows?: number;
  /** The model version that answered, for the access log. */
  logModelVersion?: string;
  /** Headers added to the answer (request id, rate limits, model version): serve/habits/answer-headers.ts. */
  answerHeaders?: Record<string, string>;
}

export type HabitsEnv = { Variables: HabitsVariables };
