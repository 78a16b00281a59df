/**
 * @module What the service predicts with: a loaded model package plus the engine that runs its
 * layers: for a few rows the typed-array forward pass, when the model is a Dense stack that
 * agrees with tfjs on a check batch at start-up; for larger batches (and any other model) tfjs. Rows are validated (ajv, compiled once) and
 * preprocessed by the package's own code, exactly as in training.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
// Not through model/index.ts: the stages import that, and pipeline.yaml lists every file it reaches.
import { rowEncoder } from './model/row-encoder.js';
import { readLayersModelArtifacts, type ModelPackage, type RawValue, type RowError } from './model/index.js';
import { denseForward, type Forward } from './dense-forward.js';

/** From this many rows a call goes to tfjs, whose per-call cost is then paid back by its vectorised matmul (measured crossover: 8–32 rows). */
export const TFJS_FROM_ROWS = 16;

/** How far the fast path may be from tfjs on the start-up check before it is not used. */
export const ENGINE_TOLERANCE = 1e-6;

export interface Scorer {
  readonly pkg: ModelPackage;
  /** `typed-array (3 Dense layers)` or `tfjs (… why not typed-array)`. */
  readonly engine: string;
  /** Number of features one preprocessed row has. */
  readonly width: number;
  validate(row: unknown): RowError[];
  /** One probability per row; every row must have passed validate. Synchronous on the typed-array path (a few rows), a promise through tfjs. */
  scoreRows(rows: readonly Readonly<Record<string, RawValue>>[]): Float32Array | Promise<Float32Array>;
  /** One probability per row of an already preprocessed row-major matrix (synchronous as scoreRows). */
  scoreMatrix(x: Float32Array, rows: number): Float32Array | Promise<Float32Array>;
}

/** A deterministic check batch: one-hot-like zeros and ones, and standardised values over ±3. */
function checkBatch(rows: number, width: number): Float32Array {
  const x = new Float32Array(rows * width);
  let s = 2024;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < x.length; i++) x[i] = i % 3 === 0 ? (next() - 0.5) * 6 : Math.round(next());
  return x;
}

/** The fast path when it exists and matches tfjs on a check batch, else why not. */
async function chooseForward(pkg: ModelPackage, width: number): Promise<{ forward: Forward; layers: number } | { unsupported: string }> {
  const fast = denseForward(readLayersModelArtifacts(pkg.dir, pkg.metadata.files.model));
  if (!('forward' in fast)) return fast;
  const rows = 64;
  const x = checkBatch(rows, width);
  // Each step a turn of its own: a hot reload runs beside the requests being served.
  await nextTurn();
  const expected = await pkg.predictMatrix(x, rows);
  await nextTurn();
  const got = fast.forward(x, rows);
  let worst = 0;
  for (let i = 0; i < rows; i++) worst = Math.max(worst, Math.abs((got[i] ?? NaN) - (expected[i] ?? NaN)) || 0);
  if (got.length !== rows || !(worst <= ENGINE_TOLERANCE)) return { unsupported: `it differs from tfjs by ${worst} on the start-up check` };
  return fast;
}

/** The scorer of a loaded package; warms the engine with one prediction before returning. */
export async function createScorer(pkg: ModelPackage, { engine = 'auto' }: { engine?: 'auto' | 'tfjs' } = {}): Promise<Scorer> {
  const width = pkg.preprocessing.features.length;
  const chosen = engine === 'tfjs' ? { unsupported: 'asked for tfjs' } : await chooseForward(pkg, width);
  // Few rows: the loops (a tfjs call costs ~100 µs whatever the rows); many: tfjs's SIMD matmul (1,000 rows: ~0.8 ms against ~9 ms).
  const scoreMatrix =
    'forward' in chosen
      ? (x: Float32Array, rows: number): Float32Array | Promise<Float32Array> => (rows < TFJS_FROM_ROWS ? chosen.forward(x, rows) : pkg.predictMatrix(x, rows))
      : (x: Float32Array, rows: number): Float32Array | Promise<Float32Array> => pkg.predictMatrix(x, rows);
  const encode = rowEncoder(pkg.preprocessing);
  const scoreRows = (rows: readonly Readonly<Record<string, RawValue>>[]) => {
    const x = new Float32Array(rows.length * width);
    for (let r = 0; r < rows.length; r++) encode(rows[r] as Readonly<Record<string, RawValue>>, x, r * width);
    return scoreMatrix(x, rows.length);
  };
  // Warm-up: one row of training's imputed values through the whole path.
  await nextTurn();
  const imputed = Object.fromEntries(pkg.preprocessing.steps.map((s) => [s.name, s.impute]));
  await scoreRows([imputed]);
  return {
    pkg,
    width,
    engine: 'forward' in chosen ? `typed-array (${chosen.layers} Dense layers, equal to tfjs within ${ENGINE_TOLERANCE}; tfjs from ${TFJS_FROM_ROWS} rows)` : `tfjs ${pkg.backend} (typed-array not used: ${chosen.unsupported})`,
    validate: pkg.validateRow,
    scoreRows,
    scoreMatrix,
  };
}
