/**
 * @module The KServe V2 / Open Inference Protocol shapes (kserve docs/predict-api/v2/required_api.md)
 * for a tabular model: model metadata with one input tensor per feature column, and an infer
 * request read either as columns (one tensor of shape [N] per column, BYTES for categories) or as
 * one FP32 tensor "features" of shape [N, width] already preprocessed. Errors are 400 with
 * `{"error": "…"}`, as the protocol says.
 */
import type { FeatureSchema, PreprocessingSpec } from './model/index.js';
import { RequestProblem } from './request-problem.js';
import { literalBuilder } from './row-literal.js';

export const FEATURES_INPUT = 'features';
export const OUTPUTS = ['probability', 'label'] as const;

interface Tensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: string;
  readonly data: readonly unknown[];
}

const INTEGER_TYPES = new Set(['INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64']);
const FLOAT_TYPES = new Set(['FP16', 'FP32', 'FP64']);

const bad = (message: string) => new RequestProblem(400, 'bad_infer_request', message);

/** The V2 datatype of a column of the feature schema. */
function datatypeOf(property: Readonly<Record<string, unknown>>): string {
  const types = [property.type].flat();
  if (types.includes('integer')) return 'INT64';
  if (types.includes('number')) return 'FP64';
  return 'BYTES';
}

export function v2ModelMetadata({ name, version, schema, spec }: { name: string; version: string | null; schema: FeatureSchema; spec: PreprocessingSpec }) {
  return {
    name,
    ...(version ? { versions: [version] } : {}),
    platform: 'tensorflowjs_layers',
    inputs: Object.entries(schema.properties)
      .filter(([column]) => column !== spec.id)
      .map(([column, property]) => ({ name: column, datatype: datatypeOf(property), shape: [-1] })),
    outputs: [
      { name: 'probability', datatype: 'FP32', shape: [-1] },
      { name: 'label', datatype: 'INT64', shape: [-1] },
    ],
  };
}

/**
 * The tensor's values in row-major order: `data` itself when it is flat (the usual [N] column; no
 * copy), else read level by level as `shape` says, each list as long as its size there and scalars
 * at the last. A list where a scalar belongs, or one of another length, is a 400 — flattening any
 * nesting would read `[1, [2], 3]` as three values. Level by level, not recursively: lists nested
 * thousands deep (a few KB of body) would exhaust the stack.
 */
function flatten(data: readonly unknown[], shape: readonly number[], name: string): readonly unknown[] {
  if (!data.some(Array.isArray)) return data;
  const otherwise = () => bad(`input ${name}: "data" is not nested as its shape ${JSON.stringify(shape)} says; give it flat, or nested as "shape" says`);
  let items: readonly unknown[] = [data];
  for (const size of shape) {
    const next: unknown[] = [];
    for (const item of items) {
      if (!Array.isArray(item)) throw otherwise();
      if (item.length !== size) throw otherwise();
      for (const value of item as unknown[]) next.push(value);
    }
    items = next;
  }
  if (items.some(Array.isArray)) throw bad(`input ${name}: "data" is nested too deep; give it flat, or nested as "shape" says`);
  return items;
}

function readTensor(value: unknown, i: number): Tensor {
  const t = value as Partial<Tensor> | null;
  if (typeof t?.name !== 'string') throw bad(`inputs[${i}] needs a "name"`);
  // Sizes of at least 1: then the data's length bounds every size (a [1e308, 0] tensor would claim rows its empty data cannot hold).
  if (!Array.isArray(t.shape) || t.shape.length === 0 || !t.shape.every((d) => Number.isInteger(d) && d >= 1)) throw bad(`input ${t.name}: "shape" must be a non-empty list of sizes of at least 1`);
  if (typeof t.datatype !== 'string') throw bad(`input ${t.name}: "datatype" is missing`);
  if (!Array.isArray(t.data)) throw bad(`input ${t.name}: "data" must be a list`);
  const data = flatten(t.data, t.shape, t.name);
  const size = t.shape.reduce((a, d) => a * d, 1);
  if (data.length !== size) throw bad(`input ${t.name}: shape ${JSON.stringify(t.shape)} holds ${size} values, "data" has ${data.length}`);
  return { name: t.name, shape: t.shape, datatype: t.datatype, data };
}

export type InferInput =
  /** `names`: the column tensors' names, which are each row's own keys. */
  | { readonly kind: 'rows'; readonly rows: Record<string, unknown>[]; readonly names: readonly string[] }
  | { readonly kind: 'matrix'; readonly x: Float32Array; readonly rows: number };

/** The rows (or the preprocessed matrix) of an infer request body, and the outputs it asks for. */
export function readInferRequest(body: unknown, width: number): { input: InferInput; id?: string; outputs: readonly string[] } {
  const req = body as { id?: unknown; inputs?: unknown; outputs?: unknown } | null;
  if (typeof req !== 'object' || req === null || Array.isArray(req)) throw bad('the body must be an object with "inputs"');
  if (!Array.isArray(req.inputs) || req.inputs.length === 0) throw bad('"inputs" must be a non-empty list of tensors');
  const id = typeof req.id === 'string' ? req.id : undefined;
  let outputs: string[] = [...OUTPUTS];
  if (req.outputs !== undefined) {
    if (!Array.isArray(req.outputs)) throw bad('"outputs" must be a list of {name}');
    outputs = req.outputs.map((o: unknown) => String((o as { name?: unknown } | null)?.name));
    const unknown = outputs.filter((o) => !(OUTPUTS as readonly string[]).includes(o));
    if (unknown.length) throw bad(`unknown output ${unknown.join(', ')}; this model gives ${OUTPUTS.join(', ')}`);
  }
  const tensors = req.inputs.map(readTensor);
  const features = tensors.find((t) => t.name === FEATURES_INPUT);
  if (features) {
    if (tensors.length > 1) throw bad(`input "${FEATURES_INPUT}" (preprocessed) cannot be mixed with column inputs`);
    const [rows, cols] = features.shape;
    if (features.shape.length !== 2 || cols !== width || rows === undefined) throw bad(`input ${FEATURES_INPUT}: shape must be [N, ${width}], got ${JSON.stringify(features.shape)}`);
    if (!FLOAT_TYPES.has(features.datatype)) throw bad(`input ${FEATURES_INPUT}: datatype must be FP32 (or FP16/FP64), got ${features.datatype}`);
    // FP32's range: a finite double beyond it (1e39) would be ±Infinity in the Float32Array and score as nonsense.
    if (!features.data.every((v) => typeof v === 'number' && Number.isFinite(Math.fround(v)))) throw bad(`input ${FEATURES_INPUT}: every value must be a finite number within FP32's range (±3.4e38)`);
    return { input: { kind: 'matrix', x: Float32Array.from(features.data as number[]), rows }, outputs, ...(id ? { id } : {}) };
  }
  const n = tensors[0]?.shape[0] ?? 0;
  for (const t of tensors) {
    // As a row's field it would set the row's prototype, and an object in its data would lend the row every field it holds.
    if (t.name === '__proto__') throw bad('input __proto__: not an input of this model');
    if (t.shape[0] !== n || t.shape.slice(1).some((d) => d !== 1)) throw bad(`input ${t.name}: shape ${JSON.stringify(t.shape)}; every column input must be [${n}] (or [${n}, 1])`);
    if (t.datatype !== 'BYTES' && !INTEGER_TYPES.has(t.datatype) && !FLOAT_TYPES.has(t.datatype)) throw bad(`input ${t.name}: datatype ${t.datatype} is not one this model takes (BYTES, INT*, UINT*, FP*)`);
  }
  return { input: { kind: 'rows', rows: columnsToRows(tensors, n), names: tensors.map((t) => t.name) }, outputs, ...(id ? { id } : {}) };
}

/** Rows of `n` from column tensors: row r holds each tensor's r-th value under its name, in the tensors' order (a later tensor of the same name wins). */
function columnsToRows(tensors: readonly Tensor[], n: number): Record<string, unknown>[] {
  const names = tensors.map((t) => t.name);
  const columns = tensors.map((t) => t.data);
  const rows: Record<string, unknown>[] = new Array<Record<string, unknown>>(n);
  const make = rowOf(names);
  if (make) {
    for (let r = 0; r < n; r++) rows[r] = make(columns, r);
    return rows;
  }
  for (let r = 0; r < n; r++) rows[r] = {};
  columns.forEach((data, c) => data.forEach((v, r) => ((rows[r] as Record<string, unknown>)[names[c] as string] = v)));
  return rows;
}

type RowOf = (columns: readonly (readonly unknown[])[], r: number) => Record<string, unknown>;

/** Row r as one object literal over the tensors' names (row-literal.ts): 1,000 rows of the example's 17 columns build in a fraction of a millisecond against ~1.5 ms by a store per value; undefined for names too long to generate code for. */
function rowOf(names: readonly string[]): RowOf | undefined {
  return literalBuilder<RowOf>('v2', names, ['d', 'r'], (c) => `d[${c}][r]`);
}

export function inferResponse({ name, version, id, outputs, probabilities, threshold }: { name: string; version: string | null; id: string; outputs: readonly string[]; probabilities: Float32Array; threshold: number }) {
  const n = probabilities.length;
  const tensors: Record<string, unknown> = {
    probability: { name: 'probability', datatype: 'FP32', shape: [n], data: Array.from(probabilities) },
    label: { name: 'label', datatype: 'INT64', shape: [n], data: Array.from(probabilities, (p) => (p >= threshold ? 1 : 0)) },
  };
  return { model_name: name, ...(version ? { model_version: version } : {}), id, parameters: { threshold }, outputs: outputs.map((o) => tensors[o]) };
}
