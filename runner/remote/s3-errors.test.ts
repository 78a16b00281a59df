import { describe, expect, it } from 'vitest';
import { redactor } from './redact.js';
import { isNotFound, s3Failure, type S3Where } from './s3-errors.js';

const where: S3Where = { remote: 's3', bucket: 'b', url: 's3://b/p', endpoint: 'http://127.0.0.1:9', credentials: 'environment' };
const redact = redactor(['super-secret-value']);

describe('s3Failure', () => {
  it('says which of bucket missing, access denied or unreachable it is, in one line', () => {
    const bucket = s3Failure(Object.assign(new Error('x'), { name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } }), where, redact);
    expect(bucket.data.reason).toBe('bucket-missing');
    const denied = s3Failure(Object.assign(new Error('x'), { name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } }), where, redact);
    expect(denied.message).toMatch(/^remote 's3': access denied to s3:\/\/b\/p at http:\/\/127\.0\.0\.1:9 \(SignatureDoesNotMatch\)/);
    // Node 20 reports a refused connection to a dual-stack name as an AggregateError.
    const refused = s3Failure(new AggregateError([Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })], 'x'), where, redact);
    expect(refused.message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9 \(connection refused\)/);
    for (const e of [bucket, denied, refused]) expect(e.message.split('\n')).toHaveLength(1);
  });

  it('says a silent server stopped answering, how long was waited and how often, and which setting to raise', () => {
    const limits = { timeout: 30, connectTimeout: 10, retries: 2 };
    const silent = s3Failure(Object.assign(new Error('socket timed out'), { name: 'TimeoutError', $metadata: { attempts: 3 } }), { ...where, limits }, redact);
    expect(silent.data).toEqual({ remote: 's3', reason: 'unreachable' });
    expect(silent.message).toMatch(/^remote 's3': http:\/\/127\.0\.0\.1:9 stopped answering \(no reply for 30 s, 3 attempts\); .* pipe remote modify s3 timeout SECONDS/);
    const connect = s3Failure(Object.assign(new Error('the request socket did not establish a connection with the server within the configured timeout'), { name: 'TimeoutError' }), { ...where, limits }, redact);
    expect(connect.message).toMatch(/stopped answering \(no connection within 10 s\); .* pipe remote modify s3 connect_timeout SECONDS/);
  });

  it('never repeats a secret that an error message carried', () => {
    const e = s3Failure(Object.assign(new Error('bad request for key super-secret-value'), { name: 'Weird', $metadata: { httpStatusCode: 400 } }), where, redact);
    expect(e.message).not.toContain('super-secret-value');
    expect(e.message).toContain('***');
  });

  it('tells a missing key from a missing bucket', () => {
    expect(isNotFound(Object.assign(new Error(), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }))).toBe(true);
    expect(isNotFound(Object.assign(new Error(), { name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } }))).toBe(false);
  });
});
