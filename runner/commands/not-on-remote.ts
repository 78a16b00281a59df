/** @module The line fetch, pull and status --remote say about `push: false` outs the cache lacks: not on the remote by design. */

/** One line naming them (none: empty). */
export function notOnRemoteLine(paths: readonly string[]): string {
  if (paths.length === 0) return '';
  return `not on the remote by design (push: false): ${paths.join(', ')} — 'pipe repro' makes ${paths.length === 1 ? 'it' : 'them'}\n`;
}
