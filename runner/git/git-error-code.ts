/** @module Recognises isomorphic-git's errors by their stable `code`, without loading isomorphic-git. */

/** The `code` isomorphic-git gives its errors ('NotFoundError', 'ObjectTypeError', 'AmbiguousError', …). */
export function gitErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The structured `data` isomorphic-git attaches to its errors. */
export function gitErrorData(err: unknown): Record<string, unknown> {
  const data = (err as { data?: unknown } | null)?.data;
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
}
