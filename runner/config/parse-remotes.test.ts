import { describe, expect, it } from 'vitest';
import { urlForMessage, checkRemoteUrl, parseRemotes } from './parse-remotes.js';

const CONFIG = '.pipe/config.yaml';
const LOCAL = '.pipe/config.local.yaml';

function parse(committed: Record<string, unknown>, local?: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  const files = new Map<string, Record<string, unknown>>([[CONFIG, committed]]);
  if (local) files.set(LOCAL, local);
  const a = (committed.remotes ?? {}) as Record<string, object>;
  const b = (local?.remotes ?? {}) as Record<string, object>;
  const remotes = Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, { ...a[k], ...b[k] }]));
  const merged = { ...committed, ...local, remotes };
  return parseRemotes({ files, committedFile: CONFIG, merged, env });
}

describe('parseRemotes', () => {
  it('reads remotes, their options and the default', () => {
    const r = parse({ remotes: { a: { url: 's3://bkt/p', endpoint: 'http://127.0.0.1:9000', force_path_style: true, jobs: 8 }, d: { url: '../store' } }, default_remote: 'a' });
    expect(r.issues).toEqual([]);
    expect(r.value.defaultRemote).toBe('a');
    expect(r.value.remotes.get('a')).toEqual({ name: 'a', url: 's3://bkt/p', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, jobs: 8 });
    expect(r.value.remotes.get('d')).toEqual({ name: 'd', url: '../store' });
  });

  it('refuses credentials in the committed file but takes them from the local one', () => {
    const bad = parse({ remotes: { a: { url: 's3://bkt/p', secret_access_key: 'x' } } });
    expect(bad.issues).toEqual([
      { file: CONFIG, key: 'remotes.a.secret_access_key', message: expect.stringContaining('credentials must not be committed') as string },
    ]);
    const good = parse({ remotes: { a: { url: 's3://bkt/p' } } }, { remotes: { a: { access_key_id: 'k', secret_access_key: 's' } } });
    expect(good.issues).toEqual([]);
  });

  it('names unknown settings, wrong types, a default that does not exist, and bad URLs', () => {
    const r = parse({ remotes: { a: { url: 'gs://x', colour: 'red', jobs: 0 }, 'bad name': { url: '/x' } }, default_remote: 'zz' });
    expect(r.issues.map((i) => i.key)).toEqual(['remotes.a.colour', 'remotes.a.jobs', 'remotes.a.url', 'remotes.bad name', 'default_remote']);
    expect(parse({ remotes: { a: { url: '/x' } } }, undefined, { PIPE_REMOTE: 'a' }).value.defaultRemote).toBe('a');
  });

  it('suggests the setting a mistyped one was meant to be, also in config.local.yaml (naming ours, never echoing its key)', () => {
    const r = parse({ remotes: { a: { url: 's3://bkt/p', regoin: 'eu' } } }, { remotes: { a: { secret_acess_key: 's' } } });
    expect(r.issues.map((i) => `${i.file}: ${i.key}: ${i.message}`)).toEqual([
      `${CONFIG}: remotes.a.regoin: unknown setting; did you mean 'region'?`,
      `${LOCAL}: remotes.a: holds an unknown setting; did you mean 'secret_access_key'?`,
    ]);
  });

  it('reads the bounds on a stalled S3 server and names a bad one', () => {
    const r = parse({ remotes: { a: { url: 's3://bkt/p', timeout: 0.5, connect_timeout: 5, retries: 0 } } });
    expect(r.issues).toEqual([]);
    expect(r.value.remotes.get('a')).toEqual({ name: 'a', url: 's3://bkt/p', timeout: 0.5, connectTimeout: 5, retries: 0 });
    const bad = parse({ remotes: { a: { url: 's3://bkt/p', timeout: 0, connect_timeout: '5', retries: 11 } } });
    expect(bad.issues.map((i) => `${i.key}: ${i.message}`)).toEqual([
      'remotes.a.timeout: must be a number of seconds above 0 and at most 3600',
      'remotes.a.connect_timeout: must be a number of seconds above 0 and at most 3600',
      'remotes.a.retries: must be a whole number from 0 to 10',
    ]);
    expect(bad.value.remotes.get('a')).toEqual({ name: 'a', url: 's3://bkt/p' });
  });

  it('accepts directories and s3://bucket/prefix only', () => {
    expect(checkRemoteUrl('/mnt/share/pipe')).toBeUndefined();
    expect(checkRemoteUrl('relative/dir')).toBeUndefined();
    expect(checkRemoteUrl('file:///srv/pipe')).toBeUndefined();
    expect(checkRemoteUrl('s3://my-bucket')).toBeUndefined();
    expect(checkRemoteUrl('s3://my-bucket/a/b')).toBeUndefined();
    expect(checkRemoteUrl('s3://B/x')).toMatch(/not a valid bucket name/);
    expect(checkRemoteUrl('s3://bucket/../x')).toMatch(/'\.' or '\.\.'/);
    expect(checkRemoteUrl('https://example.com/x')).toMatch(/not supported/);
    expect(checkRemoteUrl('file://localhost/srv/pipe')).toBeUndefined();
  });

  it('refuses URLs that cannot be used safely, without repeating credentials', () => {
    expect(checkRemoteUrl('file://')).toMatch(/needs a directory path/);
    expect(checkRemoteUrl('file://otherhost/x')).toMatch(/'otherhost' is another host/);
    expect(checkRemoteUrl('file:///%zz')).toMatch(/%XX/);
    for (const root of ['/', '//', '/./', 'file:///', '/..', '/../..']) expect(checkRemoteUrl(root), root).toMatch(/filesystem root/);
    for (const v of ['/proc', '/proc/self', '/sys/kernel', '/dev/null', 'file:///proc/1']) expect(checkRemoteUrl(v), v).toMatch(/virtual filesystem/);
    expect(checkRemoteUrl('/procedures/store')).toBeUndefined();
    const withCreds = checkRemoteUrl('s3://KEY:SECRET@bucket/p');
    expect(withCreds).toMatch(/must not contain credentials/);
    expect(withCreds).not.toMatch(/SECRET|KEY/);
    expect(urlForMessage('s3://KEY:SECRET@bucket/p')).toBe('s3://***@bucket/p');
  });
});
