/** @module Listens with a Hono app on a host and port (0 = any free port) through @hono/node-server, and closes it again. */
import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import type { HabitsEnv } from './habits/index.js';
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
  readonly server: HttpServer;
}

/** Node's own answers to requests it cannot parse, by its error code (as its default handler answers them). */
const CLIENT_ERRORS: Readonly<Record<string, readonly [number, string, string]>> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'the request line and headers are larger than this server reads'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'the request did not arrive in time'],
};

/**
 * A request Node cannot parse (headers over its limit, a malformed request line) never reaches
 * the app: Node answered it bare. Answered here as the app answers errors, JSON with a code and a
 * request id, so every response carries one.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, message] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'Bad Request', 'the request cannot be parsed as HTTP'];
  const body = JSON.stringify({ error: message, code: 'bad_http' });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${randomUUID()}\r\nConnection: close\r\n\r\n${body}`);
}

export function listen(app: Hono<HabitsEnv>, { host, port }: { host: string; port: number }): Promise<Listening> {
  // No createServer option is given: an HTTP/1.1 server.
  const server = createAdaptorServer({ fetch: answerPerTurn(app.fetch), hostname: host, port }) as HttpServer;
  server.on('clientError', answerClientError);
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
            server.closeIdleConnections();
          }),
      });
    });
  });
}
