/** @module Splits a byte stream into whole lines, holding back a partial last line. */

/** A partial line longer than this keeps only its end (a stage that never prints a newline). */
const MAX_PARTIAL = 64 << 10;

/**
 * What a terminal would show of one line: the text after its last carriage return, so that
 * progress bars redrawn with `\r` (tqdm, npm) become their final state, not one huge line.
 */
function visible(line: string): string {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  const cr = text.lastIndexOf('\r');
  return cr < 0 ? text : text.slice(cr + 1);
}

export class LineSplitter {
  #partial = '';
  readonly #emit: (line: string) => void;

  constructor(emit: (line: string) => void) {
    this.#emit = emit;
  }

  push(chunk: string): void {
    const lines = chunk.split('\n');
    lines[0] = this.#partial + lines[0];
    let partial = lines.pop() ?? '';
    for (const l of lines) this.#emit(visible(l));
    // Only the part after the last redraw can still be shown; keep a trailing \r (it may be a
    // CRLF whose \n is in the next chunk) and bound what a newline-less stage makes us hold.
    const cr = partial.lastIndexOf('\r', partial.length - 2);
    if (cr >= 0) partial = partial.slice(cr + 1);
    if (partial.length > MAX_PARTIAL) partial = partial.slice(-MAX_PARTIAL);
    this.#partial = partial;
  }

  end(): void {
    if (this.#partial) this.#emit(visible(this.#partial));
    this.#partial = '';
  }
}

/** Keeps the last `max` lines pushed. */
export class TailBuffer {
  readonly #lines: string[] = [];
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.#max) this.#lines.shift();
  }

  text(): string {
    return this.#lines.join('\n');
  }
}
