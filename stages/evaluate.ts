/**
 * @module Stage `evaluate`: scores the held-out split with the saved model package and writes
 * metrics/eval.json and the plot data (ROC, precision–recall, confusion matrix, calibration).
 * It loads the package with the loader the inference service uses, so every check and the predict
 * path serving relies on run here first. Exits 1 when the AUC is below evaluate.min_auc, after
 * writing everything, so the numbers can be read.
 */
import { backendLine, loadModelPackage } from '../serve/model/index.js';
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

const model = await loadModelPackage(MODEL_DIR);
console.log(backendLine({ summary: model.backend }));
const test = readFeatureMatrix(TEST);
if (test.features.join('\n') !== model.preprocessing.features.join('\n')) {
  throw new Error(`${TEST}: its feature columns are not the features ${MODEL_DIR} was trained on, in order; run featurize and train again`);
}
// The test split is already preprocessed by featurize: score the matrix, as serving does after preprocessing.
const probabilities = Array.from(await model.predictMatrix(test.x, test.rows), Number);
model.dispose();
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
