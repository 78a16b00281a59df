/**
 * @module Stage `train`: fits the churn MLP with TensorFlow.js on the training features and writes
 * the model package (docs/formats.md, "Model package") to models/churn/: the TF.js layers model,
 * the preprocessing spec, the feature schema, the reference profile (the raw training inputs'
 * distribution from featurize, plus the model's scores on the training rows) and metadata (params,
 * backend, rows) that serving needs. Seeded weight initialisation and a
 * seeded shuffle per epoch make the weights a function of the inputs; nothing of the run itself
 * (time taken, date) goes into the model directory, so the same inputs give the same bytes and
 * data.lock does not change when train runs again. The time taken is only printed.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import {
  MODEL_PACKAGE_FILES,
  MODEL_PACKAGE_FORMAT,
  METADATA_FILE,
  assertInputProfile,
  backendLine,
  loadTf,
  referenceProfile,
  saveLayersModel,
  type ModelPackageMetadata,
} from '../serve/model/index.js';
import type { Tensor } from '@tensorflow/tfjs';
import { readFeatureMatrix } from './lib/feature-matrix.js';
import { readParams } from './lib/params.js';
import { round } from './lib/round.js';
import { deriveSeed, seededRandom } from './lib/seeded-random.js';
import { writeJson, writeJsonRows } from './lib/write-json.js';

const FEATURES = 'data/features';
const MODEL_DIR = 'models/churn';
const LOSS_PLOT = 'plots/training-loss.json';

const params = readParams('train');
const hidden = params.integers('hidden', { min: 1 });
const epochs = params.number('epochs', { min: 1, integer: true });
const lr = params.number('lr', { min: 0 });
const batchSize = params.number('batch_size', { min: 1, integer: true });
const seed = params.number('seed', { integer: true });
const classWeighting = params.oneOf('class_weight', ['balanced', 'none'] as const);

const loaded = await loadTf();
const { tf, backend, details } = loaded;
console.log(backendLine(loaded));

const data = readFeatureMatrix(`${FEATURES}/train.csv`);
const width = data.features.length;
const positives = data.y.reduce((s, v) => s + v, 0);
// "balanced": each class weighs as much in the loss as the other (n / (2 · n_class)).
const classWeight =
  classWeighting === 'balanced' ? { 0: data.rows / (2 * (data.rows - positives)), 1: data.rows / (2 * positives) } : { 0: 1, 1: 1 };

const init = seededRandom(deriveSeed(seed, 'init'));
const model = tf.sequential({ name: 'churn' });
hidden.forEach((units, i) => {
  model.add(
    tf.layers.dense({
      name: `hidden_${i + 1}`,
      units,
      activation: 'relu',
      ...(i === 0 ? { inputShape: [width] } : {}),
      kernelInitializer: tf.initializers.heNormal({ seed: init.nextSeed() }),
    }),
  );
});
model.add(
  tf.layers.dense({
    name: 'churn_probability',
    units: 1,
    activation: 'sigmoid',
    kernelInitializer: tf.initializers.glorotUniform({ seed: init.nextSeed() }),
  }),
);
model.compile({ optimizer: tf.train.adam(lr), loss: 'binaryCrossentropy' });

// tfjs's own shuffle uses Math.random: shuffle here, from the seed, and fit one epoch at a time.
const shuffler = seededRandom(deriveSeed(seed, 'shuffle'));
const order = Array.from({ length: data.rows }, (_, i) => i);
const losses: { epoch: number; loss: number }[] = [];
const started = performance.now();
for (let epoch = 1; epoch <= epochs; epoch++) {
  const epochStart = performance.now();
  shuffler.shuffle(order);
  const xs = new Float32Array(data.x.length);
  const ys = new Float32Array(data.rows);
  order.forEach((from, to) => {
    xs.set(data.x.subarray(from * width, (from + 1) * width), to * width);
    ys[to] = data.y[from] as number;
  });
  const x = tf.tensor2d(xs, [data.rows, width]);
  const y = tf.tensor2d(ys, [data.rows, 1]);
  const history = await model.fit(x, y, { epochs: 1, batchSize, shuffle: false, classWeight, verbose: 0 });
  tf.dispose([x, y]);
  const loss = history.history.loss?.[0] as number;
  losses.push({ epoch, loss: round(loss) });
  console.log(`train: epoch ${epoch}/${epochs} loss ${loss.toFixed(4)} (${((performance.now() - epochStart) / 1000).toFixed(1)} s)`);
}
const trainingSeconds = (performance.now() - started) / 1000;

// The reference profile: featurize's profile of the raw training rows, plus this model's scores on them.
const inputProfile: unknown = JSON.parse(readFileSync(`${FEATURES}/input-profile.json`, 'utf8'));
assertInputProfile(inputProfile);
const trainX = tf.tensor2d(data.x, [data.rows, width]);
const trainScores = model.predict(trainX, { batchSize: data.rows }) as Tensor;
const profile = referenceProfile(inputProfile, (await trainScores.data()) as Float32Array);
tf.dispose([trainX, trainScores]);
const finalLoss = losses[losses.length - 1]?.loss;

mkdirSync(MODEL_DIR, { recursive: true });
await saveLayersModel(tf, model, MODEL_DIR);
copyFileSync(`${FEATURES}/preprocessing.json`, `${MODEL_DIR}/${MODEL_PACKAGE_FILES.preprocessing}`);
copyFileSync(`${FEATURES}/feature-schema.json`, `${MODEL_DIR}/${MODEL_PACKAGE_FILES.feature_schema}`);
const metadata: ModelPackageMetadata = {
  model: 'churn',
  format: MODEL_PACKAGE_FORMAT,
  files: MODEL_PACKAGE_FILES,
  task: {
    label: 'churn',
    positive: 1,
    // Class weighting shifts the scores up: they rank customers well but over-state the probability.
    output: classWeighting === 'none' ? 'probability of churn' : 'churn score (class-weighted; see plots/calibration.json)',
  },
  params: { hidden, epochs, lr, batch_size: batchSize, seed, class_weight: classWeighting },
  class_weight: { 0: round(classWeight[0]), 1: round(classWeight[1]) },
  backend,
  backend_details: details,
  rows: { train: data.rows, positives },
  features: width,
  parameters: model.countParams(),
  final_loss: finalLoss,
};
writeJson(`${MODEL_DIR}/${MODEL_PACKAGE_FILES.reference_profile}`, profile);
writeJson(`${MODEL_DIR}/${METADATA_FILE}`, metadata);
writeJsonRows(LOSS_PLOT, losses);
console.log(`train: ${model.countParams()} weights, loss ${finalLoss} after ${epochs} epochs in ${trainingSeconds.toFixed(1)} s → ${MODEL_DIR}/`);
