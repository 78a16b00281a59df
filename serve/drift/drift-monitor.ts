/**
 * @module Live drift against a model's reference profile: fed one served row and its score at a
 * time, it keeps per-bin counts over a rolling window and computes, on demand, each feature's PSI
 * and the score's PSI, which features drift and whether the data set does (Evidently's rules:
 * a column drifts at PSI ≥ 0.1, the data set when ≥ 50% of the features do; both configurable).
 * observe() is O(features); snapshot() is O(bins).
 */
import { psiOfShares, type ReferenceProfile } from '../model/index.js';
import { RowWindow, TimeWindow, type BinWindow } from './bin-windows.js';
import { ColumnBinner } from './column-binner.js';
import { rowBinner } from './row-binner.js';
import { resolveDriftOptions, type DriftOptions, type DriftWindow } from './drift-options.js';

export interface ColumnDrift {
  /** PSI of the window against the reference; null while the window has fewer than minRows rows. */
  readonly psi: number | null;
  readonly drifted: boolean;
}

export interface DriftSnapshot {
  /** Per feature of the profile, in its order. */
  readonly features: Readonly<Record<string, ColumnDrift>>;
  /** The model's score. */
  readonly prediction: ColumnDrift;
  /** Share of the features that drift (the score not counted). */
  readonly share: number;
  readonly datasetDrift: boolean;
  /** Rows in the window. */
  readonly rows: number;
  readonly window: DriftWindow;
  readonly threshold: number;
  readonly datasetShare: number;
}

export interface DriftMonitor {
  /** Counts one served row (raw features, as the request gave them) and the score it got. */
  observe(row: Readonly<Record<string, unknown>>, score: number): void;
  snapshot(): DriftSnapshot;
}

export function createDriftMonitor(profile: ReferenceProfile, options: DriftOptions = {}): DriftMonitor {
  const { window, threshold, datasetShare, epsilon, minRows, now } = resolveDriftOptions(options);
  const features = Object.entries(profile.features).map(([name, p]) => ColumnBinner.feature(name, p));
  const columns: ColumnBinner[] = [...features, ColumnBinner.score(profile.prediction)];
  const names = features.map((f) => f.name);
  // Each column's bins sit after the previous column's, so one counts array serves them all.
  const offsets = new Uint32Array(columns.length);
  let totalBins = 0;
  columns.forEach((column, c) => {
    offsets[c] = totalBins;
    totalBins += column.expected.length;
  });
  const counts: BinWindow =
    'rows' in window ? new RowWindow(totalBins, columns.length, window.rows) : new TimeWindow(totalBins, columns.length, window.minutes);
  const bins = new Uint32Array(columns.length);
  const scoreColumn = features.length;
  const binRow = rowBinner(features, offsets);

  const columnDrift = (c: number, rows: number): ColumnDrift => {
    if (rows < minRows) return { psi: null, drifted: false };
    const column = columns[c] as ColumnBinner;
    const start = offsets[c] as number;
    const actual = new Float64Array(column.expected.length);
    for (let b = 0; b < actual.length; b++) actual[b] = (counts.counts[start + b] as number) / rows;
    const psi = psiOfShares(column.expected, actual, epsilon);
    return { psi, drifted: psi >= threshold };
  };

  return {
    observe(row, score) {
      binRow(row, bins);
      bins[scoreColumn] = (offsets[scoreColumn] as number) + (columns[scoreColumn] as ColumnBinner).bin(score);
      counts.add(bins, counts.timed ? now() : 0);
    },
    snapshot() {
      const rows = counts.rows(now());
      const perFeature = names.map((name, c) => [name, columnDrift(c, rows)] as const);
      const drifted = perFeature.filter(([, d]) => d.drifted).length;
      const share = names.length === 0 ? 0 : drifted / names.length;
      return {
        features: Object.fromEntries(perFeature),
        prediction: columnDrift(scoreColumn, rows),
        share,
        datasetDrift: rows >= minRows && share >= datasetShare,
        rows,
        window,
        threshold,
        datasetShare,
      };
    },
  };
}
