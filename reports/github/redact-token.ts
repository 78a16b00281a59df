/** @module Keeps the GitHub token out of everything posting prints or throws: any occurrence becomes `***`. */
import { redactor } from '../../runner/index.js';

export function redactToken(text: string, token: string | undefined): string {
  // The runner's redactor (the one remote credentials go through): short values are left alone.
  return redactor([token])(text);
}

/**
 * Removes the token from an error that becomes a PipeError's cause (its message and stack, the
 * response body and URLs Octokit keeps on it, and its own causes), in place. Octokit already
 * redacts the Authorization header; this covers a server that echoes the token back.
 */
export function redactError(err: unknown, token: string | undefined, depth = 0): void {
  if (!token || token.length < 4 || err === null || typeof err !== 'object' || depth > 4) return;
  const e = err as { message?: unknown; stack?: unknown; cause?: unknown; response?: { data?: unknown; url?: unknown }; request?: { url?: unknown } };
  const scrub = (v: unknown) => (typeof v === 'string' ? redactToken(v, token) : v);
  try {
    if (typeof e.message === 'string') e.message = scrub(e.message);
    if (typeof e.stack === 'string') e.stack = scrub(e.stack);
    if (e.response && typeof e.response === 'object') {
      if (e.response.data !== undefined) e.response.data = JSON.parse(redactToken(JSON.stringify(e.response.data), token)) as unknown;
      e.response.url = scrub(e.response.url);
    }
    if (e.request && typeof e.request === 'object') e.request.url = scrub(e.request.url);
  } catch {
    // A frozen or odd error object: the PipeError's own message is redacted regardless.
  }
  redactError(e.cause, token, depth + 1);
}
