/** @module A request the service cannot answer as asked: the HTTP status, a stable code and the message the caller reads (the one error body shape: `{error, code, …}`). */

export type ProblemStatus = 400 | 404 | 413 | 415 | 422 | 503;

export class RequestProblem extends Error {
  override name = 'RequestProblem';

  constructor(
    readonly status: ProblemStatus,
    readonly code: string,
    message: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  body(): Record<string, unknown> {
    return { error: this.message, code: this.code, ...this.extra };
  }
}

/** The media type of a Content-Type header, lower case, without parameters ('' when absent). */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function unsupportedMediaType(got: string, accepted: readonly string[]): RequestProblem {
  return new RequestProblem(415, 'unsupported_media_type', `Content-Type ${got ? `'${got}'` : 'missing'}; this route takes ${accepted.join(', ')}`, { accepted });
}

/** JSON.parse, as a 400 that says where the text stops being JSON. */
export function parseJson(text: string, what = 'the body'): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new RequestProblem(400, 'malformed_json', `${what} is not valid JSON (${(cause as Error).message})`, {}, { cause });
  }
}
