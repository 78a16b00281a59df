/**
 * @module A large request body read as text in pieces. V8 keeps a string over 128 KiB in its
 * large-object space, where each one costs a fresh mapping and its page faults: on this
 * project's 2-core VM, making the 420 KB text of a 1,000-row batch cost ~1.5 ms, as much as
 * JSON-parsing it (bench/serve-ab.mjs --batch 1000). So a JSON array is parsed a piece of rows at
 * a time (each piece under 64 KiB of text), and NDJSON a piece of lines at a time; the pieces
 * hold exactly the values (and the same errors) the whole text would give.
 */
import { parseJson } from './request-problem.js';

/** Bytes of text per piece: well under V8's large-object threshold (128 KiB), so every piece string is an ordinary young-generation allocation. */
export const PIECE_BYTES = 64 * 1024;

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Where the text starts: after a UTF-8 byte order mark, which a decoder (TextDecoder, hence Request.text()) drops. */
function textStart(bytes: Buffer): number {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

/** The whole body as text, as Request.text() reads it (UTF-8, a leading BOM dropped, bad bytes as U+FFFD). */
export function bodyText(bytes: Buffer): string {
  return bytes.toString('utf8', textStart(bytes));
}

/**
 * The JSON value of the body, equal to JSON.parse of bodyText(bytes); a body that is not JSON
 * throws parseJson's 400 with the message the whole text gives. A large array is parsed in pieces
 * cut after a `}` followed by `,`: a piece that does not parse (the cut was inside a string, or the
 * body is not JSON) sends the whole text to JSON.parse, so a cut can never change the outcome.
 */
export function parseJsonBody(bytes: Buffer): unknown {
  const start = textStart(bytes);
  if (bytes.length - start > PIECE_BYTES) {
    const rows = arrayInPieces(bytes, start);
    if (rows !== undefined) return rows;
  }
  return parseJson(bodyText(bytes));
}

function skipSpace(bytes: Buffer, at: number): number {
  while (at < bytes.length && SPACE.has(bytes[at] as number)) at++;
  return at;
}

/** The elements of a JSON array body parsed piece by piece, or undefined when that cannot be done. */
function arrayInPieces(bytes: Buffer, start: number): unknown[] | undefined {
  let at = skipSpace(bytes, start);
  if (bytes[at] !== 0x5b /* [ */) return undefined;
  at++;
  const rows: unknown[] = [];
  try {
    for (;;) {
      // The last `},` within a piece's length, else (one element longer than a piece) the next one.
      let cut = bytes.length - at > PIECE_BYTES ? bytes.lastIndexOf('},', at + PIECE_BYTES) : -1;
      if (cut !== -1 && cut < at) cut = bytes.indexOf('},', at + PIECE_BYTES);
      if (cut === -1) {
        // The rest ends the array: `…}]` and maybe whitespace. After a cut a value must follow the comma (`[{…},]` is not JSON, `[` + `]` would be).
        if (rows.length > 0 && bytes[skipSpace(bytes, at)] === 0x5d /* ] */) return undefined;
        const last = JSON.parse(`[${bytes.toString('utf8', at)}`) as unknown[];
        for (const row of last) rows.push(row);
        return rows;
      }
      const piece = JSON.parse(`[${bytes.toString('utf8', at, cut + 1)}]`) as unknown[];
      for (const row of piece) rows.push(row);
      at = cut + 2;
    }
  } catch {
    return undefined;
  }
}

/**
 * The lines of an NDJSON body (split at '\n', as String.split would split the whole text) with
 * their 1-based numbers, read a piece of whole lines at a time.
 */
export function forEachLine(bytes: Buffer, f: (line: string, number: number) => void): void {
  let at = textStart(bytes);
  let number = 1;
  while (at <= bytes.length) {
    const cut = bytes.length - at > PIECE_BYTES ? bytes.lastIndexOf(0x0a, at + PIECE_BYTES) : -1;
    const end = cut >= at ? cut : bytes.length - at > PIECE_BYTES ? bytes.indexOf(0x0a, at + PIECE_BYTES) : -1;
    const lines = bytes.toString('utf8', at, end === -1 ? bytes.length : end).split('\n');
    for (const line of lines) f(line, number++);
    if (end === -1) return;
    at = end + 1;
  }
}
