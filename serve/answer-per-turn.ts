/** @module Batches the service's answers per turn of the event loop (the wrapper server.ts puts around the app's fetch). */

/**
 * Holds each answer until the event loop's check phase, so that the answers to the requests read in
 * one turn are written back to back. Written one by one, each answer's write woke the idle client
 * (a wake-up in the kernel, on a virtual machine an interrupt to another CPU) before the next request
 * was even parsed: ~20 µs of system time a request, half of a request's whole cost.
 */
export function answerPerTurn<A extends unknown[]>(fetch: (...args: A) => Response | Promise<Response>): (...args: A) => Promise<Response> {
  let turn: Promise<void> | undefined;
  const endOfTurn = () =>
    (turn ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        turn = undefined;
        resolve();
      }),
    ));
  return async (...args) => {
    const response = await fetch(...args);
    await endOfTurn();
    return response;
  };
}
