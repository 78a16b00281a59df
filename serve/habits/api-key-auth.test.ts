import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { isPipeError } from '../../runner/index.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { ACCEPTED_HEADERS_MAX, apiKeyAuth } from './api-key-auth.js';
import { loadApiKeys } from './load-api-keys.js';
import type { HabitsEnv } from './variables.js';

const hex = (key: string) => createHash('sha256').update(key).digest('hex');

function app(keys = loadApiKeys({ env: { PIPE_SERVE_API_KEYS: 'alpha-key-1, beta.key/2' } })!) {
  const a = new Hono<HabitsEnv>();
  a.use(apiKeyAuth({ keys }));
  a.get('/health/ready', (c) => c.json({ ready: true }));
  a.post('/predict', (c) => c.json({ who: c.get('apiKeyId') ?? null }));
  return a;
}

const predict = (a: Hono<HabitsEnv>, authorization?: string) =>
  a.request('/predict', { method: 'POST', headers: authorization === undefined ? {} : { authorization } });

describe('apiKeyAuth', () => {
  it('lets a known key through and names the caller by the first 8 hex digits of its SHA-256', async () => {
    const res = await predict(app(), 'Bearer beta.key/2');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ who: hex('beta.key/2').slice(0, 8) });
    expect((await predict(app(), 'bearer alpha-key-1')).status).toBe(200);
  });

  it('answers 401 with a Bearer challenge and a JSON body naming the problem, never the key', async () => {
    const missing = await predict(app());
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="pipe"');
    expect(await missing.json()).toMatchObject({ code: 'API_KEY_MISSING' });

    const malformed = await predict(app(), 'Basic YWxwaGE6eA==');
    expect(malformed.status).toBe(401);
    expect(malformed.headers.get('www-authenticate')).toBe('Bearer realm="pipe", error="invalid_token"');
    expect(await malformed.json()).toMatchObject({ code: 'API_KEY_MALFORMED' });
    expect(await (await predict(app(), 'Bearer has space')).json()).toMatchObject({ code: 'API_KEY_MALFORMED' });

    const unknown = await predict(app(), 'Bearer wrong-secret-9');
    expect(unknown.status).toBe(401);
    const text = await unknown.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'API_KEY_UNKNOWN' });
    expect(text).not.toContain('wrong-secret-9');
  });

  it('hashes an accepted header once, keeps refusing wrong keys after a good one, and remembers a bounded number of headers', async () => {
    const keys = loadApiKeys({ env: { PIPE_SERVE_API_KEYS: 'alpha-key-1' } })!;
    const identify = vi.spyOn(keys, 'identify');
    const a = app(keys);
    for (let i = 0; i < 3; i++) expect((await predict(a, 'Bearer alpha-key-1')).status).toBe(200);
    expect(identify).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 2; i++) expect(await (await predict(a, 'Bearer alpha-key-2')).json()).toMatchObject({ code: 'API_KEY_UNKNOWN' });
    expect(identify).toHaveBeenCalledTimes(3);
    // Spellings of the accepted key (more spaces) past the bound: all still accepted, the first one forgotten and hashed again.
    for (let i = 2; i <= ACCEPTED_HEADERS_MAX + 1; i++) expect((await predict(a, `Bearer${' '.repeat(i)}alpha-key-1`)).status).toBe(200);
    expect(identify).toHaveBeenCalledTimes(3 + ACCEPTED_HEADERS_MAX);
    const res = await predict(a, 'Bearer alpha-key-1');
    expect([res.status, await res.json()]).toEqual([200, { who: hex('alpha-key-1').slice(0, 8) }]);
    expect(identify).toHaveBeenCalledTimes(4 + ACCEPTED_HEADERS_MAX);
  });

  it('leaves the open paths open', async () => {
    expect((await app().request('/health/ready')).status).toBe(200);
  });

  it('accepts keys whose SHA-256 digests are listed in a file, with comments and blank lines', async () => {
    const dir = tempDir('pipe-keys-');
    const file = join(dir, 'keys.sha256');
    writeFileSync(file, `# ops team\n${hex('ops-key')}  # rotated 2026-11\n\n${hex('ci-key').toUpperCase()}\n`);
    const keys = loadApiKeys({ env: {}, file })!;
    expect(keys.size).toBe(2);
    expect((await predict(app(keys), 'Bearer ci-key')).status).toBe(200);
    expect((await predict(app(keys), `Bearer ${hex('ops-key')}`)).status).toBe(401);
  });
});

describe('loadApiKeys', () => {
  it('is off (undefined) when no key is configured', () => {
    expect(loadApiKeys({ env: {} })).toBeUndefined();
    expect(loadApiKeys({ env: { PIPE_SERVE_API_KEYS: ' , ' } })).toBeUndefined();
  });

  it('names the file and line of a bad digest without repeating what is there', () => {
    const dir = tempDir('pipe-keys-');
    const file = join(dir, 'keys');
    writeFileSync(file, `${hex('a')}\nmy-plain-secret\n`);
    const err = catchError(() => loadApiKeys({ env: {}, file }));
    expect(isPipeError(err, 'SPEC_INVALID')).toBe(true);
    expect(err.message).toContain(`${file}:2`);
    expect(err.message).toContain('64 hex digits');
    expect(err.message).not.toContain('my-plain-secret');
  });

  it('refuses a file without digests, a missing file and an env entry that cannot be a bearer token', () => {
    const dir = tempDir('pipe-keys-');
    writeFileSync(join(dir, 'empty'), '# nothing yet\n');
    expect(catchError(() => loadApiKeys({ env: {}, file: join(dir, 'empty') })).message).toContain('holds no key digests');
    expect(catchError(() => loadApiKeys({ env: {}, file: join(dir, 'absent') })).message).toContain('ENOENT');
    const err = catchError(() => loadApiKeys({ env: { PIPE_SERVE_API_KEYS: 'good,bad key' } }));
    expect(err.message).toContain('$PIPE_SERVE_API_KEYS: entry 2');
    expect(err.message).not.toContain('bad key');
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}
