/**
 * @module Stage `evaluate`: scores the held-out split with the saved model and writes
 * metrics/eval.json and the plot data (ROC, precision–recall, confusion matrix, calibration).
 * Exits 1 when the AUC is below evaluate.min_auc, after writing everything, so the numbers can be read.
 */
import type { Tensor } from '@tensorflow/tfjs';
import { loadLayersModel, loadTf } from '../serve/model/index.js';
import { brierScore, confusionMatrix, logLoss, rocAuc, thresholdMetrics } from './lib/classification-metrics.js';
import { readFeatureMatrix } from './lib/feature-matrix.js';
import { calibrationBins, precisionRecallCurve, rocCurve } from './lib/metric-curves.js';
import { readParams } from './lib/params.js';
import { round } from './lib/round.js';
import { writeJson, writeJsonRows } from './lib/write-json.js';

const MODEL_DIR = 'models/churn';
const TEST = 'data/features/test.csv';

const params = readParams('evaluate');
const minAuc = params.number('min_auc', { min: 0, max: 1 });
const threshold = params.number('threshold', { min: 0, max: 1 });

const { tf, summary } = await loadTf();
console.log(`evaluate: backend ${summary}`);
const model = await loadLayersModel(tf, MODEL_DIR);
const test = readFeatureMatrix(TEST);
const width = test.features.length;
const input = tf.tensor2d(test.x, [test.rows, width]);
const output = model.predict(input) as Tensor;
const probabilities = Array.from(await output.data(), Number);
tf.dispose([input, output]);
const labels = Array.from(test.y, Number);

const confusion = confusionMatrix(labels, probabilities, threshold);
const rates = thresholdMetrics(confusion);
const auc = rocAuc(labels, probabilities);
const metrics = {
  auc: round(auc),
  accuracy: round(rates.accuracy),
  precision: round(rates.precision),
  recall: round(rates.recall),
  f1: round(rates.f1),
  logloss: round(logLoss(labels, probabilities)),
  brier: round(brierScore(labels, probabilities)),
  positive_rate: round(labels.reduce((s, v) => s + v, 0) / labels.length),
  predicted_positive_rate: round((confusion.tp + confusion.fp) / labels.length),
  threshold,
  rows: labels.length,
};
writeJson('metrics/eval.json', metrics);

const roundAll = <T extends object>(rows: readonly T[]) =>
  rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])));
writeJsonRows('plots/roc.json', roundAll(rocCurve(labels, probabilities)));
writeJsonRows('plots/precision-recall.json', roundAll(precisionRecallCurve(labels, probabilities)));
writeJsonRows('plots/calibration.json', roundAll(calibrationBins(labels, probabilities)));
writeJsonRows('plots/confusion.json', [
  { actual: 0, predicted: 0, count: confusion.tn },
  { actual: 0, predicted: 1, count: confusion.fp },
  { actual: 1, predicted: 0, count: confusion.fn },
  { actual: 1, predicted: 1, count: confusion.tp },
]);

console.log(
  `evaluate: auc ${metrics.auc} accuracy ${metrics.accuracy} precision ${metrics.precision} recall ${metrics.recall} ` +
    `f1 ${metrics.f1} logloss ${metrics.logloss} on ${labels.length} held-out rows`,
);
if (!(auc >= minAuc)) {
  console.error(`evaluate: auc ${metrics.auc} is below evaluate.min_auc ${minAuc}: the model is not good enough to ship.`);
  process.exit(1);
}
