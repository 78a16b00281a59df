/**
 * @module The rows of a /predict/batch body: a JSON array, NDJSON (one JSON object a line) or CSV
 * with a header. CSV fields are text, so a column the feature schema types as a number is read
 * as one ('' = missing, i.e. null) when it is written as JSON writes numbers; other text is left as
 * is for the validator to name. Malformed input is a 400 naming the line.
 */
import type { FeatureSchema } from './model/index.js';
import { forEachLine, parseJsonBody } from './body-pieces.js';
import { plainCsvRows } from './fast-csv.js';
import { noteOrder, readRows } from './key-orders.js';
import { namesInSchema } from './quick-row-check.js';
import { RequestProblem, mediaType, parseJson, unsupportedMediaType } from './request-problem.js';

export const BATCH_MEDIA_TYPES = ['application/json', 'application/x-ndjson', 'application/jsonl', 'text/csv'] as const;

/** The columns `schema` types as numbers (a CSV field of one is read as a number). */
export function numericColumns(schema: FeatureSchema): Set<string> {
  const numeric = new Set<string>();
  for (const [name, property] of Object.entries(schema.properties)) {
    const types = [property.type].flat();
    if (types.includes('number') || types.includes('integer')) numeric.add(name);
  }
  return numeric;
}

/**
 * JSON's number grammar, JSON's whitespace around it allowed (padding; the \r a CSV whose header
 * line ends in \n leaves on each CRLF row's last field). A CSV field of a numeric column is a number
 * when JSON would read it as one: Number() alone also takes 0x0C, 0b1100, 0o14, '+5', '.5', '007'
 * and a no-break space around, which a JSON body could not send, and the model would score them as
 * numbers.
 */
const JSON_NUMBER = /^[ \t\r\n]*-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?[ \t\r\n]*$/;

function csvValue(value: string, numeric: boolean): string | number | null {
  if (value === '') return null;
  // Text that is no number stays text, for the validator to name (a 422: expected a number).
  return numeric && JSON_NUMBER.test(value) ? Number(value) : value;
}

const csvNumber = (text: string) => csvValue(text, true);
const csvText = (text: string) => csvValue(text, false);

/** The header's names, as csv-parse's `columns` option takes them; one named twice throws (a 400 naming it). */
function uniqueColumns(header: string[]): string[] {
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw new Error(name === '' ? 'the header has more than one column without a name (a spreadsheet export with empty columns?)' : `the header names the column ${JSON.stringify(name)} twice`);
    seen.add(name);
  }
  return header;
}

/** csv-parse's reading of a CSV body (any quoting, any line break), with its words for a malformed one; `numeric`: the columns read as numbers. */
export async function parsedCsvRows(bytes: Buffer, numeric: ReadonlySet<string>): Promise<Record<string, unknown>[]> {
  const { parse } = await import('csv-parse/sync');
  let records: Record<string, string>[];
  try {
    // The bytes, not a text: csv-parse works on bytes (it would encode a string back), and no large string is made.
    // A header naming a column twice would keep the last field without a word (a client's bug, like a CSV joined from two): refused, naming it.
    records = parse(bytes, { columns: uniqueColumns, skip_empty_lines: true, bom: true, trim: false }) as Record<string, string>[];
  } catch (cause) {
    throw new RequestProblem(400, 'malformed_csv', `the CSV body cannot be read (${(cause as Error).message})`, {}, { cause });
  }
  return records.map((record) => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, csvValue(v, numeric.has(k))])));
}

/** The rows of a CSV body: a plain one (no quotes, one kind of line break) split by serve/fast-csv.ts in a tenth of csv-parse's time, any other by csv-parse. */
async function csvRows(bytes: Buffer, schema: FeatureSchema): Promise<BatchRows> {
  const numeric = numericColumns(schema);
  const plain = plainCsvRows(bytes, (column) => (numeric.has(column) ? csvNumber : csvText));
  if (plain === undefined) return { rows: await parsedCsvRows(bytes, numeric), inSchema: false };
  // Every row of a plain CSV has the header's columns as its keys.
  return { rows: plain, inSchema: plain[0] !== undefined && namesInSchema(schema, Object.keys(plain[0])) };
}

/** The rows of an NDJSON body: JSON.parse of each line that is not blank, or a 400 naming the first line that is not JSON. */
export function ndjsonRows(bytes: Buffer): unknown[] {
  const rows: unknown[] = [];
  forEachLine(bytes, (line, number) => {
    if (line.trim() !== '') rows.push(parseJson(line, `line ${number}`));
  });
  return rows;
}

export interface BatchRows {
  readonly rows: unknown[];
  /**
   * Every row is an object whose own keys are all properties of the schema: read by its own reader
   * (serve/fast-rows.ts), or a plain CSV whose header names only properties. serve/quick-row-check.ts's case.
   */
  readonly inSchema: boolean;
}

/** The rows of a batch body (its bytes) of Content-Type `contentType`. */
export async function batchRows(contentType: string | undefined, bytes: Buffer, schema: FeatureSchema): Promise<BatchRows> {
  const type = mediaType(contentType);
  let batch: BatchRows;
  if (type === 'application/json') {
    // Rows in the schema's key order, or in an order learned from earlier bodies, are read by a reader of their own, in half JSON.parse's time (serve/fast-rows.ts, serve/key-orders.ts); they decline anything else, JSON.parse's to judge.
    const read = readRows(schema, bytes, 'rows');
    const value = read ?? parseJsonBody(bytes);
    if (!Array.isArray(value)) throw new RequestProblem(400, 'not_a_list', 'a JSON batch is an array of rows ([{…}, {…}]); for one row use POST /predict');
    if (read === undefined) void noteOrder(schema, value);
    batch = { rows: value, inSchema: read !== undefined };
  } else if (type === 'application/x-ndjson' || type === 'application/jsonl') {
    // One object a line, each in the schema's key order (or a learned one), is read by the same readers as a JSON array (their lines); they decline anything else, ndjsonRows' to read and to name the line that fails.
    const read = readRows(schema, bytes, 'lines');
    if (read === undefined) {
      const rows = ndjsonRows(bytes);
      void noteOrder(schema, rows);
      batch = { rows, inSchema: false };
    } else batch = { rows: read, inSchema: true };
  } else if (type === 'text/csv') {
    batch = await csvRows(bytes, schema);
  } else {
    throw unsupportedMediaType(type, BATCH_MEDIA_TYPES);
  }
  if (batch.rows.length === 0) throw new RequestProblem(400, 'empty_batch', 'the batch has no rows');
  return batch;
}
