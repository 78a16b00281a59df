/**
 * @module What the service predicts with: a loaded model package plus the engines that run its
 * layers. For a Dense stack: a few rows through the typed-array forward pass, larger batches
 * through tfjs ops directly (not the Layers API), each used only when it gives model.predict's
 * answers on a check batch at start-up; any other model (or an engine that differs) through
 * model.predict. Rows are validated (ajv, compiled once) and preprocessed by the package's own
 * code, exactly as in training.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
// Not through model/index.ts: the stages import that, and pipeline.yaml lists every file it reaches.
import { rowEncoder } from './model/row-encoder.js';
import { ModelPackageError, loadTf, readLayersModelArtifacts, type ModelPackage, type RawValue, type RowError } from './model/index.js';
import { denseForward, type Forward } from './dense-forward.js';
import { tfjsDenseForward, type TfjsForward } from './tfjs-dense-forward.js';

/** From this many rows a call goes to tfjs, whose per-call cost is then paid back by its vectorised matmul (measured crossover: 8–32 rows). */
export const TFJS_FROM_ROWS = 16;

/** How far the fast path may be from tfjs on the start-up check before it is not used. */
export const ENGINE_TOLERANCE = 1e-6;

export interface Scorer {
  readonly pkg: ModelPackage;
  /** `typed-array (3 Dense layers, …; tfjs ops from 16 rows)` or `tfjs … (why not)`. */
  readonly engine: string;
  /** Number of features one preprocessed row has. */
  readonly width: number;
  validate(row: unknown): RowError[];
  /** One probability per row; every row must have passed validate. Synchronous on the typed-array path (a few rows), a promise through tfjs. */
  scoreRows(rows: readonly Readonly<Record<string, RawValue>>[]): Float32Array | Promise<Float32Array>;
  /** One probability per row of an already preprocessed row-major matrix (synchronous as scoreRows). */
  scoreMatrix(x: Float32Array, rows: number): Float32Array | Promise<Float32Array>;
  /** Frees the engine's tensors (the package's model is the package's to dispose). */
  dispose(): void;
}

/** A deterministic check batch: one-hot-like zeros and ones, and standardised values over ±3. */
function checkBatch(rows: number, width: number): Float32Array {
  const x = new Float32Array(rows * width);
  let s = 2024;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < x.length; i++) x[i] = i % 3 === 0 ? (next() - 0.5) * 6 : Math.round(next());
  return x;
}

/** How far `got` is from `expected` at worst; Infinity when the lengths differ or a value is NaN in only one of them. */
export function worstDifference(got: Float32Array, expected: Float32Array): number {
  if (got.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const [g, e] = [got[i] as number, expected[i] as number];
    if (Number.isNaN(g) !== Number.isNaN(e)) return Infinity;
    if (!Number.isNaN(g)) worst = Math.max(worst, Math.abs(g - e));
  }
  return worst;
}

type Engine<F> = F | { unsupported: string };

/**
 * The engines beside model.predict that this model can use: the typed-array loops and the tfjs
 * ops, each only when it is supported and gives model.predict's answers on a check batch.
 */
async function chooseEngines(pkg: ModelPackage, width: number): Promise<{ loops: Engine<{ forward: Forward; layers: number }>; ops: Engine<TfjsForward> }> {
  const artifacts = readLayersModelArtifacts(pkg.dir, pkg.metadata.files.model);
  const loops = denseForward(artifacts);
  const ops = tfjsDenseForward((await loadTf()).tf, artifacts);
  if ('unsupported' in loops && 'unsupported' in ops) return { loops, ops };
  try {
    const rows = 64;
    const x = checkBatch(rows, width);
    // Each step a turn of its own: a hot reload runs beside the requests being served.
    await nextTurn();
    const expected = await pkg.predictMatrix(x, rows);
    const checked = async <F extends { forward: Forward }>(engine: Engine<F>): Promise<Engine<F>> => {
      if ('unsupported' in engine) return engine;
      await nextTurn();
      const worst = worstDifference(engine.forward(x, rows), expected);
      return worst <= ENGINE_TOLERANCE ? engine : { unsupported: `it differs from tfjs's predict by ${worst} on the start-up check` };
    };
    const checkedOps = await checked(ops);
    if ('unsupported' in checkedOps && 'dispose' in ops) ops.dispose();
    return { loops: await checked(loops), ops: checkedOps };
  } catch (error) {
    if ('dispose' in ops) ops.dispose();
    throw error;
  }
}

/** The scorer of a loaded package; warms the engine with one prediction before returning. */
export async function createScorer(pkg: ModelPackage, { engine = 'auto' }: { engine?: 'auto' | 'tfjs' } = {}): Promise<Scorer> {
  const width = pkg.preprocessing.features.length;
  // --engine tfjs: model.predict for every call, as the evaluate stage scores.
  const asked = { unsupported: 'asked for tfjs' };
  const { loops, ops } = engine === 'tfjs' ? { loops: asked, ops: asked } : await chooseEngines(pkg, width);
  const large = 'forward' in ops ? ops.forward : (x: Float32Array, rows: number): Promise<Float32Array> => pkg.predictMatrix(x, rows);
  // Few rows: the loops (a tfjs call costs tens of µs whatever the rows); many: tfjs's SIMD matmul (1,000 rows: ~0.3 ms of ops against ~2.5 ms of loops).
  const scoreMatrix =
    'forward' in loops ? (x: Float32Array, rows: number): Float32Array | Promise<Float32Array> => (rows < TFJS_FROM_ROWS ? loops.forward(x, rows) : large(x, rows)) : large;
  const encode = rowEncoder(pkg.preprocessing);
  const scoreRows = (rows: readonly Readonly<Record<string, RawValue>>[]) => {
    const x = new Float32Array(rows.length * width);
    for (let r = 0; r < rows.length; r++) encode(rows[r] as Readonly<Record<string, RawValue>>, x, r * width);
    return scoreMatrix(x, rows.length);
  };
  const dispose = () => {
    if ('dispose' in ops) ops.dispose();
  };
  try {
    // Warm-up: one row of training's imputed values through the whole path, and a batch through the large one.
    await nextTurn();
    const imputed = Object.fromEntries(pkg.preprocessing.steps.map((s) => [s.name, s.impute]));
    // Scores that are no probability (NaN from weights of NaN, of the right size): a model that answers every request with a 500.
    for (const scores of [await scoreRows([imputed]), await scoreRows(Array.from({ length: TFJS_FROM_ROWS }, () => imputed))]) {
      const bad = scores.find((p) => !(p >= 0 && p <= 1));
      if (bad !== undefined) {
        throw new ModelPackageError({ dir: pkg.dir, file: pkg.metadata.files.model, problem: `its weights give ${bad} for training's imputed row, not a probability (NaN or infinite weights?)` });
      }
    }
  } catch (error) {
    dispose();
    throw error;
  }
  const opsLine = 'forward' in ops ? 'tfjs ops' : `tfjs predict (tfjs ops not used: ${ops.unsupported})`;
  return {
    pkg,
    width,
    engine:
      'forward' in loops
        ? `typed-array (${loops.layers} Dense layers, equal to tfjs within ${ENGINE_TOLERANCE}; ${opsLine} from ${TFJS_FROM_ROWS} rows)`
        : 'forward' in ops
          ? `tfjs ${pkg.backend} (${ops.layers} Dense layers through tfjs ops, equal to its predict within ${ENGINE_TOLERANCE}; typed-array not used: ${loops.unsupported})`
          : engine === 'tfjs'
            ? `tfjs ${pkg.backend} (predict for every call: asked for tfjs)`
            : `tfjs ${pkg.backend} (predict for every call; typed-array not used: ${loops.unsupported}; tfjs ops not used: ${ops.unsupported})`,
    validate: pkg.validateRow,
    scoreRows,
    scoreMatrix,
    dispose,
  };
}
