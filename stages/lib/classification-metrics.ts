/**
 * @module Binary classification metrics on labels (0/1) and predicted probabilities: ROC AUC with
 * ties, log loss with clipping, the confusion matrix at a threshold and the rates built on it.
 */

/** Probabilities are clipped to [ε, 1 − ε] so a confident mistake costs a large but finite loss (scikit-learn's ε). */
export const LOGLOSS_EPSILON = 1e-15;

function checkLengths(labels: ArrayLike<number>, scores: ArrayLike<number>): void {
  if (labels.length !== scores.length) throw new RangeError(`${labels.length} labels but ${scores.length} scores`);
  if (labels.length === 0) throw new RangeError('no examples');
}

/**
 * Area under the ROC curve = P(score of a random positive > score of a random negative), ties
 * counting one half: the Mann–Whitney U statistic with average ranks. NaN when one class is absent.
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkLengths(labels, scores);
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let positives = 0;
  let rankSumPositives = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1] as number] === scores[order[start] as number]) end++;
    // Ranks are 1-based; a group of ties shares the mean of its ranks.
    const averageRank = (start + end + 2) / 2;
    for (let k = start; k <= end; k++) {
      if (labels[order[k] as number] === 1) {
        positives++;
        rankSumPositives += averageRank;
      }
    }
    start = end + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean binary cross-entropy, in nats. */
export function logLoss(labels: ArrayLike<number>, probabilities: ArrayLike<number>, epsilon = LOGLOSS_EPSILON): number {
  checkLengths(labels, probabilities);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - epsilon, Math.max(epsilon, probabilities[i] as number));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / labels.length;
}

/** Mean squared difference between probability and outcome. */
export function brierScore(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  checkLengths(labels, probabilities);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += ((probabilities[i] as number) - (labels[i] as number)) ** 2;
  return sum / labels.length;
}

export interface ConfusionMatrix {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

/** Counts with "predicted positive" meaning probability ≥ threshold. */
export function confusionMatrix(labels: ArrayLike<number>, probabilities: ArrayLike<number>, threshold: number): ConfusionMatrix {
  checkLengths(labels, probabilities);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const predicted = (probabilities[i] as number) >= threshold;
    if (labels[i] === 1) {
      if (predicted) tp++;
      else fn++;
    } else if (predicted) fp++;
    else tn++;
  }
  return { tp, fp, tn, fn };
}

export interface ThresholdMetrics {
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** Rates of a confusion matrix; a rate whose denominator is 0 is reported as 0 (scikit-learn's zero_division=0). */
export function thresholdMetrics({ tp, fp, tn, fn }: ConfusionMatrix): ThresholdMetrics {
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    accuracy: ratio(tp + tn, tp + fp + tn + fn),
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
  };
}
