/**
 * @module Graceful shutdown of the inference service. On SIGTERM or SIGINT it stops accepting
 * connections, reports not ready, lets the requests in flight finish (answering them with
 * `Connection: close`), runs the shutdown hooks (stop the watcher, dispose the model) and exits 0;
 * requests still running at the deadline are cut and it exits 1 saying how many. A second signal
 * exits at once.
 *
 * Keep-alive connections are not closed the instant shutdown starts: a client may be sending its
 * next request on one at that very moment (or it may sit unread in the socket), and closing it then
 * resets that request. Every answer given while draining says `Connection: close`, so a connection
 * in use closes itself after its next answer; only connections idle for the whole grace period
 * (1 s) are closed by the server — the same race any keep-alive timeout has, not one per signal.
 * That includes connections that never sent a request (a load balancer's pre-opened one, a TCP
 * probe) or stopped mid-way through one's headers, which Node's closeIdleConnections() leaves open.
 */
import { Server as NetServer, type Socket } from 'node:net';
import type { Context, MiddlewareHandler } from 'hono';
import { settleAccessLogs } from './access-log.js';

/** What the lifecycle needs of the server @hono/node-server's `serve()` returns (an HTTP/2 server has no connection closers: close() alone waits for its sessions). */
export interface ClosableServer {
  close(callback?: (err?: Error) => void): unknown;
  closeIdleConnections?(): void;
  closeAllConnections?(): void;
}

export interface LifecycleOptions {
  server: ClosableServer;
  /** How long requests in flight may take to finish (default 25 s, inside Kubernetes' 30 s grace period). */
  deadlineMs?: number;
  /** How long a keep-alive connection is left open, unused, before the server closes it (default 1 s, at most the deadline). */
  idleGraceMs?: number;
  signals?: readonly NodeJS.Signals[];
  /** Runs once the server has closed: stop watchers, dispose the model, flush logs. */
  onShutdown?: () => void | Promise<void>;
  /** Where the shutdown says what it does (stderr by default). */
  log?: (message: string) => void;
  exit?: (code: number) => void;
  target?: Pick<NodeJS.Process, 'on' | 'off'>;
}

export class Lifecycle {
  #ready = false;
  #draining = false;
  #inFlight = 0;
  #shutdown: Promise<number> | undefined;
  readonly #options: Required<Omit<LifecycleOptions, 'onShutdown'>> & Pick<LifecycleOptions, 'onShutdown'>;
  readonly #onSignal = (signal: NodeJS.Signals) => void this.#signalled(signal);
  #connections: QuietConnections | undefined;

  constructor({
    server,
    deadlineMs = 25_000,
    idleGraceMs = 1000,
    signals = ['SIGTERM', 'SIGINT'],
    onShutdown,
    log = (m) => void process.stderr.write(`${m}\n`),
    exit = (code) => process.exit(code),
    target = process,
  }: LifecycleOptions) {
    this.#options = { server, deadlineMs, idleGraceMs, signals, onShutdown, log, exit, target };
    if (server instanceof NetServer) this.track(server);
  }

  /** Follows the connections of the Node server behind `server` (given once it listens), to close the quiet ones at shutdown. */
  track(server: NetServer): this {
    this.#connections = new QuietConnections(server);
    return this;
  }

  /** Ready once the model is loaded and warmed, until shutdown starts: what /health/ready answers. */
  get ready(): boolean {
    return this.#ready && !this.#draining;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Requests being answered now (the in-flight gauge). */
  get inFlight(): number {
    return this.#inFlight;
  }

  markReady(): void {
    this.#ready = true;
  }

  /** Counts requests in flight, and asks clients to close their connection once shutdown has started. Register it first. */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      this.enter();
      try {
        await next();
      } finally {
        this.leave(c);
      }
    };
  }

  /** A request starts (what middleware() does before the routes; habit-layer.ts calls it itself). */
  enter(): void {
    this.#inFlight++;
  }

  /** A request's answer is made: no longer in flight, and told to close its connection once shutdown has started. */
  leave(c: Context): void {
    this.#inFlight--;
    if (this.#draining) c.header('Connection', 'close');
  }

  /** Installs the signal handlers. */
  install(): this {
    for (const s of this.#options.signals) this.#options.target.on(s, this.#onSignal);
    return this;
  }

  /** Stops the server gracefully; resolves to the exit code (and calls exit with it). */
  shutdown(reason = 'shutdown'): Promise<number> {
    this.#shutdown ??= this.#drain(reason);
    return this.#shutdown;
  }

  async #signalled(signal: NodeJS.Signals): Promise<void> {
    if (this.#shutdown) {
      this.#options.log(`pipe serve: ${signal} again: exiting now, cutting ${this.#inFlight} request(s) in flight.`);
      this.#options.exit(1);
      return;
    }
    await this.shutdown(signal);
  }

  async #drain(reason: string): Promise<number> {
    const { server, deadlineMs, idleGraceMs, log, exit, onShutdown } = this.#options;
    this.#draining = true;
    const span = deadlineMs >= 1000 ? `${Math.round(deadlineMs / 1000)} s` : `${deadlineMs} ms`;
    log(`pipe serve: ${reason}: not accepting connections; waiting up to ${span} for ${this.#inFlight} request(s) in flight.`);
    let timedOut = false;
    let cut = 0;
    const connections = this.#connections;
    connections?.mark();
    await new Promise<void>((resolve) => {
      // Connections used meanwhile close after their answer (Connection: close); then those left idle are closed as they appear.
      let sweep: NodeJS.Timeout | undefined;
      const quietMs = Math.min(idleGraceMs, deadlineMs);
      // Timers run before the loop reads its sockets: after a stall (a big batch scored), a request may sit unread in
      // one that looks idle. setImmediate runs after this turn's reads, so such a request is seen (and answered) first.
      const closeQuiet = () =>
        void setImmediate(() => {
          // Not Node's closeIdleConnections() beside it: that also destroys a socket whose ended answer is still being
          // flushed to a slow reader, cutting it with exit 0. Without the tracker (a server given as a bare closer) it must do.
          if (connections) connections.closeQuiet(quietMs);
          else server.closeIdleConnections?.();
        });
      const grace = setTimeout(() => {
        closeQuiet();
        sweep = setInterval(closeQuiet, 50);
      }, quietMs);
      const deadline = setTimeout(() => {
        timedOut = true;
        // Requests being answered, and answers made but still being written to a slow reader.
        cut = Math.max(this.#inFlight, connections?.answering() ?? 0);
        server.closeAllConnections?.();
      }, deadlineMs);
      stopAccepting(server, () => {
        clearTimeout(grace);
        clearInterval(sweep);
        clearTimeout(deadline);
        resolve();
      });
    });
    let code = 0;
    try {
      await onShutdown?.();
    } catch (err) {
      log(`pipe serve: shutting down failed: ${err instanceof Error ? err.message : String(err)}`);
      code = 1;
    }
    if (timedOut && cut > 0) {
      log(`pipe serve: the ${span} shutdown deadline passed; cut ${cut} request(s) still in flight.`);
      code = 1;
    } else if (timedOut) log(`pipe serve: the ${span} shutdown deadline passed; closed the connections still open, with no request in flight; stopped.`);
    else log('pipe serve: stopped.');
    for (const s of this.#options.signals) this.#options.target.off(s, this.#onSignal);
    // The access log's waiting lines, written while the loop still runs (at the 'exit' event only what a pipe has room for is).
    await settleAccessLogs();
    exit(code);
    return code;
  }
}

/**
 * A Node server's open connections, so that shutdown can close those that send nothing. Node's
 * closeIdleConnections() closes a keep-alive connection between requests, but not one that has
 * not sent a byte yet or stopped mid-way through a request's headers (it counts them as busy):
 * one such connection kept the shutdown waiting for its whole deadline, then exiting 1.
 */
class QuietConnections {
  readonly #open = new Set<Socket>();
  /** How much each connection had sent when last looked at, and since when. */
  readonly #marks = new Map<Socket, { bytes: number; since: number }>();

  constructor(server: NetServer) {
    server.on('connection', (socket: Socket) => {
      this.#open.add(socket);
      socket.once('close', () => {
        this.#open.delete(socket);
        this.#marks.delete(socket);
      });
    });
  }

  /** Notes how much each open connection has sent so far. */
  mark(): void {
    const now = performance.now();
    for (const socket of this.#open) this.#marks.set(socket, { bytes: socket.bytesRead, since: now });
  }

  /** Connections with an answer pending or being written. */
  answering(): number {
    let n = 0;
    for (const socket of this.#open) if (pendingAnswer(socket)) n++;
    return n;
  }

  /** Closes the connections with no answer pending that have sent nothing for `quietMs` (a connection first seen, or that sent something, is marked now). */
  closeQuiet(quietMs: number): void {
    const now = performance.now();
    for (const socket of this.#open) {
      const mark = this.#marks.get(socket);
      if (mark === undefined || mark.bytes !== socket.bytesRead) this.#marks.set(socket, { bytes: socket.bytesRead, since: now });
      else if (now - mark.since >= quietMs && !pendingAnswer(socket)) socket.destroy();
    }
  }
}

/** The response a request on `socket` is waiting for, until it is written (what Node's own closeIdleConnections() looks at). */
const pendingAnswer = (socket: Socket) => Boolean((socket as { _httpMessage?: unknown })._httpMessage);

/**
 * Stops accepting connections; `done` runs once every open one has ended. For a Node server this is
 * net.Server's close: http.Server's own also closes every idle keep-alive connection at once, which
 * resets a request arriving on one at that instant.
 */
export function stopAccepting(server: ClosableServer, done: () => void): void {
  if (server instanceof NetServer) NetServer.prototype.close.call(server, () => done());
  else server.close(() => done());
}
