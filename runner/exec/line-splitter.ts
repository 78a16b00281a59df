/** @module Splits a byte stream into whole lines, holding back a partial last line. */

export class LineSplitter {
  #partial = '';
  readonly #emit: (line: string) => void;

  constructor(emit: (line: string) => void) {
    this.#emit = emit;
  }

  push(chunk: string): void {
    const text = this.#partial + chunk;
    const lines = text.split('\n');
    this.#partial = lines.pop() ?? '';
    for (const l of lines) this.#emit(l.replace(/\r$/, ''));
  }

  end(): void {
    if (this.#partial) this.#emit(this.#partial);
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
