/** @module Listens with a Hono app on a host and port (0 = any free port) through @hono/node-server, and closes it again. */
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import type { HabitsEnv, ClosableServer } from './habits/index.js';
import { PipeError } from '../runner/command/index.js';
import { answerPerTurn } from './answer-per-turn.js';

export interface Listening {
  readonly host: string;
  readonly port: number;
  /** `http://HOST:PORT` (IPv6 hosts in brackets). */
  readonly url: string;
  /** Stops accepting connections and resolves when the open ones are done. */
  close(): Promise<void>;
  /** The HTTP server itself, for a graceful shutdown (serve/habits/lifecycle.ts). */
  readonly server: ClosableServer;
}

export function listen(app: Hono<HabitsEnv>, { host, port }: { host: string; port: number }): Promise<Listening> {
  const server = createAdaptorServer({ fetch: answerPerTurn(app.fetch), hostname: host, port });
  return new Promise((resolvePromise, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? `port ${port} is in use; choose another with --port (0 picks a free one)` : error.code === 'EADDRNOTAVAIL' ? `${host} is not an address of this machine` : error.message;
      reject(new PipeError('SERVE_LISTEN_FAILED', `cannot listen on ${host}:${port}: ${why}`, { host, port }, { cause: error }));
    });
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolvePromise({
        host: address.address,
        port: address.port,
        url: `http://${shown}:${address.port}`,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Idle keep-alive connections would hold close() open for their whole timeout.
            (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
          }),
      });
    });
  });
}
