/** @module Bearer-token authentication for the inference service: a request outside the open paths needs `Authorization: Bearer KEY` with one of the accepted keys, or gets a 401 that says what was wrong (never the key). */
import type { Context, MiddlewareHandler } from 'hono';
import { BEARER_TOKEN, type ApiKeySet } from './api-keys.js';
import { DEFAULT_OPEN_PATHS, openPathMatcher } from './open-paths.js';
import type { HabitsEnv } from './variables.js';

export interface ApiKeyAuthOptions {
  keys: ApiKeySet;
  /** Paths served without a key: exact paths, or a prefix ending in `/*`. */
  openPaths?: readonly string[];
  /** Sent as the challenge's realm. */
  realm?: string;
}

type Problem = 'missing' | 'malformed' | 'unknown';

const MESSAGES: Record<Problem, { code: string; error: string }> = {
  missing: { code: 'API_KEY_MISSING', error: 'This endpoint needs an API key: send the header "Authorization: Bearer KEY".' },
  malformed: { code: 'API_KEY_MALFORMED', error: 'The Authorization header is not "Bearer KEY" with a key of letters, digits and - . _ ~ + / characters.' },
  unknown: { code: 'API_KEY_UNKNOWN', error: 'The API key is not one this server accepts; check it with whoever runs the service.' },
};

/** Authorization headers remembered as accepted; past this many (spellings of the accepted keys: case, spaces) the memory starts again. */
export const ACCEPTED_HEADERS_MAX = 256;

export function apiKeyAuth(options: ApiKeyAuthOptions): MiddlewareHandler<HabitsEnv> {
  const check = apiKeyCheck(options);
  return async function apiKeyAuth(c, next) {
    return check(c) ?? next();
  };
}

/** The check itself, synchronous: undefined when the request may go on (its key id set), else the 401 to answer. */
export function apiKeyCheck({ keys, openPaths = DEFAULT_OPEN_PATHS, realm = 'pipe' }: ApiKeyAuthOptions): (c: Context<HabitsEnv>) => Response | undefined {
  const isOpen = openPathMatcher(openPaths);
  // A caller sends the same header on every request: its SHA-256 and comparisons (~5 µs, a tenth of a
  // request) are done once. Only accepted headers are remembered, so a flood of wrong keys adds nothing;
  // they are hashed and compared every time, as before. The map holds keys the server already holds in
  // memory ($PIPE_SERVE_API_KEYS, and every request's own header).
  const accepted = new Map<string, string>();
  return function apiKeyCheck(c) {
    if (isOpen(c.req.path)) return undefined;
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const known = accepted.get(header);
      if (known !== undefined) {
        c.set('apiKeyId', known);
        return undefined;
      }
    }
    let problem: Problem;
    if (header === undefined || header === '') problem = 'missing';
    else {
      const space = header.indexOf(' ');
      const token = header.slice(space + 1).trim();
      if (space < 0 || header.slice(0, space).toLowerCase() !== 'bearer' || !BEARER_TOKEN.test(token)) problem = 'malformed';
      else {
        const id = keys.identify(token);
        if (id !== undefined) {
          if (accepted.size >= ACCEPTED_HEADERS_MAX) accepted.clear();
          accepted.set(header, id);
          c.set('apiKeyId', id);
          return undefined;
        }
        problem = 'unknown';
      }
    }
    // RFC 6750 §3: no error attribute when the request carried no credentials at all.
    const challenge = problem === 'missing' ? `Bearer realm="${realm}"` : `Bearer realm="${realm}", error="invalid_token"`;
    return c.json(MESSAGES[problem], 401, { 'WWW-Authenticate': challenge });
  };
}
