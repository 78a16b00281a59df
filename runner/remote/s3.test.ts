import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPipeError } from '../errors.js';
import { redactor } from './redact.js';
import { openS3Remote, type S3Limits, type S3Remote } from './s3.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function listen<S extends HttpServer | TcpServer>(server: S): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function remoteAt(endpoint: string, limits: Partial<S3Limits>): Promise<S3Remote> {
  const remote = await openS3Remote({
    name: 'store',
    bucket: 'bkt',
    prefix: 'p',
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-never-shown' },
    credentialSource: 'environment',
    maxSockets: 4,
    redact: redactor(['secret-never-shown', 'AKIDEXAMPLE']),
    limits,
  });
  closers.push(() => remote.close());
  return remote;
}

/** A server that accepts connections and reads requests but never answers: a stopped process, as the network sees it. */
async function silentServer(): Promise<{ endpoint: string; requests: () => number }> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server = createTcpServer((s) => {
    sockets.add(s);
    s.on('data', (d) => (requests += (d.toString('latin1').match(/^(GET|HEAD|PUT|POST|DELETE) /gm) ?? []).length));
    s.on('error', () => {});
  });
  const endpoint = await listen(server);
  closers.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { endpoint, requests: () => requests };
}

/** A server that answers every GET with 200 and a body that never ends (no Content-Length). */
async function endlessServer(): Promise<string> {
  const server = createHttpServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(64 << 10, 0);
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
    req.on('close', () => res.destroy());
  });
  const endpoint = await listen(server);
  closers.push(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return endpoint;
}

describe('S3Remote against a server that stalls or lies', () => {
  it('gives up on a server that stopped answering after its timeout and retries, naming the remote and the setting to change', async () => {
    const { endpoint, requests } = await silentServer();
    const remote = await remoteAt(endpoint, { timeout: 0.3, connectTimeout: 1, retries: 2 });
    const err = await remote.head('files/sha256/ab/cd').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isPipeError(err, 'REMOTE_FAILED')).toBe(true);
    if (!isPipeError(err, 'REMOTE_FAILED')) return;
    expect(err.data).toEqual({ remote: 'store', reason: 'unreachable' });
    expect(err.message).toBe(
      `remote 'store': ${endpoint} stopped answering (no reply for 0.3 s, 3 attempts); check that the server is up and reachable, or allow more time: pipe remote modify store timeout SECONDS (or retries N); then run the command again (what was transferred is kept)`,
    );
    // One request, then two retries: bounded, not endless.
    expect(requests()).toBe(3);
  });

  it('stops reading a body that is longer than the object can be', async () => {
    const remote = await remoteAt(await endlessServer(), { timeout: 5, retries: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'pipe-s3-unit-'));
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    const got = await remote.download('files/sha256/ab/cd', join(dir, 'obj'), 1000);
    expect(got).toMatchObject({ size: 1001, tooLong: true });
    expect(readFileSync(join(dir, 'obj')).length).toBe(1001);
    expect(await remote.read('runs/ab/cd', 4096)).toBeUndefined();
  });

  it('leaves a failure of the local disk to the caller instead of blaming the remote', async () => {
    const remote = await remoteAt(await endlessServer(), { timeout: 5, retries: 0 });
    // Past one 8 MiB slice the body goes to a file handle: opening it fails here, on the cache's side.
    const err = await remote.download('files/sha256/ab/cd', join(tmpdir(), 'pipe-no-such-dir', 'obj'), 20 << 20).catch((e: unknown) => e);
    expect(isPipeError(err)).toBe(false);
    expect(err).toMatchObject({ code: 'ENOENT', syscall: 'open' });
  });
});
