/**
 * @module Plot data of a binary classifier: the ROC and precision–recall curves (thinned to a
 * bounded number of points so the committed files stay small) and a calibration table.
 */

export interface RocPoint {
  readonly fpr: number;
  readonly tpr: number;
  readonly threshold: number;
}

export interface PrPoint {
  readonly recall: number;
  readonly precision: number;
  readonly threshold: number;
}

interface Operating {
  readonly threshold: number;
  readonly tp: number;
  readonly fp: number;
}

/** One operating point per distinct score, from the highest threshold down ("positive" = score ≥ threshold). */
function operatingPoints(labels: ArrayLike<number>, scores: ArrayLike<number>): { points: Operating[]; positives: number; negatives: number } {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const points: Operating[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    if (labels[i] === 1) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[i]) points.push({ threshold: scores[i] as number, tp, fp });
  }
  return { points, positives: tp, negatives: fp };
}

/** At most `maxPoints` items, evenly spread over the list, always keeping the first and the last. */
export function thin<T>(items: readonly T[], maxPoints: number): T[] {
  if (items.length <= maxPoints) return [...items];
  const out: T[] = [];
  for (let k = 0; k < maxPoints; k++) out.push(items[Math.round((k * (items.length - 1)) / (maxPoints - 1))] as T);
  return out;
}

/** The ROC curve from (0, 0) (threshold 1: nothing predicted positive) to (1, 1). */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>, maxPoints = 200): RocPoint[] {
  const { points, positives, negatives } = operatingPoints(labels, scores);
  const curve: RocPoint[] = [
    { fpr: 0, tpr: 0, threshold: 1 },
    ...points.map((p) => ({ fpr: negatives === 0 ? 0 : p.fp / negatives, tpr: positives === 0 ? 0 : p.tp / positives, threshold: p.threshold })),
  ];
  return thin(curve, maxPoints);
}

/** The precision–recall curve from high thresholds to low, starting at (recall 0, precision 1). */
export function precisionRecallCurve(labels: ArrayLike<number>, scores: ArrayLike<number>, maxPoints = 200): PrPoint[] {
  const { points, positives } = operatingPoints(labels, scores);
  const curve: PrPoint[] = [
    { recall: 0, precision: 1, threshold: 1 },
    ...points.map((p) => ({ recall: positives === 0 ? 0 : p.tp / positives, precision: p.tp / (p.tp + p.fp), threshold: p.threshold })),
  ];
  return thin(curve, maxPoints);
}

export interface CalibrationBin {
  /** Bin [lower, upper) of predicted probability (the last bin includes 1). */
  readonly lower: number;
  readonly upper: number;
  readonly mean_predicted: number;
  readonly fraction_positive: number;
  readonly count: number;
}

/** Reliability table over `bins` equal-width probability bins; empty bins are left out. */
export function calibrationBins(labels: ArrayLike<number>, probabilities: ArrayLike<number>, bins = 10): CalibrationBin[] {
  const sums = Array.from({ length: bins }, () => ({ p: 0, y: 0, n: 0 }));
  for (let i = 0; i < labels.length; i++) {
    const p = probabilities[i] as number;
    const bin = sums[Math.min(bins - 1, Math.max(0, Math.floor(p * bins)))] as { p: number; y: number; n: number };
    bin.p += p;
    bin.y += labels[i] as number;
    bin.n++;
  }
  return sums.flatMap((s, b) =>
    s.n === 0 ? [] : [{ lower: b / bins, upper: (b + 1) / bins, mean_predicted: s.p / s.n, fraction_positive: s.y / s.n, count: s.n }],
  );
}
