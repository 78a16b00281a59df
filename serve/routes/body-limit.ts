/**
 * @module The body size limit of a POST route: 413 naming the limit; and a compressed body (Content-Encoding) is a 415. A body with a
 * Content-Length is judged by the header alone, so the body is then read through
 * @hono/node-server's fast path; hono's bodyLimit (which counts a chunked body as it streams)
 * turns every request into a full web Request and cost a third of the throughput.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { RequestProblem } from '../request-problem.js';

export function limitBody(limit: number): MiddlewareHandler {
  const tooLarge = () => new RequestProblem(413, 'body_too_large', `the body is larger than ${limit} bytes, this route's limit; send fewer rows per request`, { limit });
  const streamed = bodyLimit({
    maxSize: limit,
    onError: () => {
      throw tooLarge();
    },
  });
  return (c, next) => {
    // A compressed body would reach the JSON or CSV reader as bytes it cannot read ("malformed JSON"): say what is wrong instead.
    const coding = c.req.header('content-encoding');
    if (coding !== undefined && coding.trim().toLowerCase() !== 'identity') {
      throw new RequestProblem(415, 'unsupported_content_encoding', `Content-Encoding '${coding}' is not read here; send the body uncompressed`, { encoding: coding });
    }
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streamed(c, next);
    if (Number(length) > limit) throw tooLarge();
    return next();
  };
}
