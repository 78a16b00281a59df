/**
 * @module The records of a plain CSV batch body, read without csv-parse: what csv-parse gives (with
 * the options batch-input.ts passes it: a header, empty lines skipped, a BOM dropped) for bodies
 * with no quote, one kind of line break and a field per column on every line, which is what
 * exporters write for numbers and category names. Anything else is csv-parse's to read, so its
 * messages stay the only ones. csv-parse cost ~13 ms for the example's 1,000 rows and turning its
 * records into rows another ~5 ms: 19 times a JSON array's reading, for a body a quarter its size.
 */
import { isUtf8 } from 'node:buffer';
import { literalBuilder } from './row-literal.js';

/** How the fields of the column named `column` become values (asked once per column). */
export type CsvColumnValue = (column: string) => (text: string) => unknown;

/**
 * The rows of `bytes` as csv-parse's `columns: true` records, each field made a value by its column's `valueOf`,
 * or undefined when the body is not one this reader reads: a `"` anywhere (quoting and its errors
 * are csv-parse's), line breaks other than all `\n` or all `\r\n` (csv-parse takes the first one it
 * meets as the delimiter; a body mixing them means a `\r` inside a field or a record split wrongly),
 * invalid UTF-8, a header naming a column twice or naming none or `__proto__` (csv-parse makes it an own
 * property, where an object literal or a store would set the prototype), or a line with
 * another number of fields than the header (csv-parse's "Invalid Record Length").
 */
export function plainCsvRows(bytes: Buffer, valueOf: CsvColumnValue): Record<string, unknown>[] | undefined {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (bytes.indexOf(0x22, start) >= 0) return undefined;
  const crlf = lineBreaks(bytes, start);
  if (crlf === undefined || !isUtf8(bytes)) return undefined;
  const text = bytes.toString('utf8', start);
  const rows: Record<string, unknown>[] = [];
  let header: { width: number; row: (fields: readonly string[]) => Record<string, unknown> } | undefined;
  const cut = crlf ? 1 : 0;
  for (let at = 0; at < text.length; ) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end < text.length ? end - cut : end);
    at = end + 1;
    if (line === '') continue;
    const fields = line.split(',');
    if (header === undefined) {
      if (!plainHeader(fields)) return undefined;
      const make = recordOf(fields);
      const values = fields.map((name) => valueOf(name));
      header = { width: fields.length, row: (f) => make(values, f) };
    } else if (fields.length === header.width) rows.push(header.row(fields));
    else return undefined;
  }
  return rows;
}

/** One row from its fields, each made a value by its column's function. */
type RecordOf = (values: readonly ((text: string) => unknown)[], fields: readonly string[]) => Record<string, unknown>;

/** The row builder of a header: one object literal (row-literal.ts), or a store per field for a header too long to generate code for. */
function recordOf(names: readonly string[]): RecordOf {
  const literal = literalBuilder<RecordOf>('csv', names, ['v', 'f'], (c) => `v[${c}](f[${c}])`);
  if (literal) return literal;
  return (values, fields) => {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) row[names[c] as string] = (values[c] as (text: string) => unknown)(fields[c] as string);
    return row;
  };
}

/** false: all `\n`; true: all `\r\n`; undefined: a `\r` alone, or both kinds. */
function lineBreaks(bytes: Buffer, start: number): boolean | undefined {
  let cr = bytes.indexOf(0x0d, start);
  if (cr < 0) return false;
  let crs = 0;
  for (; cr >= 0; cr = bytes.indexOf(0x0d, cr + 1)) {
    if (bytes[cr + 1] !== 0x0a) return undefined;
    crs++;
  }
  let lfs = 0;
  for (let lf = bytes.indexOf(0x0a, start); lf >= 0; lf = bytes.indexOf(0x0a, lf + 1)) lfs++;
  // Every \r is followed by a \n; as many \n as \r means every \n follows a \r.
  return lfs === crs ? true : undefined;
}

/** Names csv-parse makes plain own properties of, each once. */
function plainHeader(names: readonly string[]): boolean {
  return names.every((name) => name !== '' && name !== '__proto__') && new Set(names).size === names.length;
}
