/**
 * @module Stage `featurize`: splits the validated table (seeded, stratified by churn), fits the
 * preprocessing spec on the training part only (imputation, log transform, standardisation,
 * one-hot encoding) and writes both parts as feature matrices, with the spec, the feature schema
 * and the profile of the raw training inputs (the first half of the model's reference profile).
 */
import { profileInputs, transformRow } from '../serve/model/index.js';
import { readCsv, writeCsv } from './lib/csv.js';
import { customerTable } from './lib/customer-table.js';
import { featureSchema } from './lib/feature-schema.js';
import { fitPreprocessing } from './lib/fit-preprocessing.js';
import { readParams } from './lib/params.js';
import { stratifiedSplit } from './lib/stratified-split.js';
import { writeJson } from './lib/write-json.js';

const VALIDATED_TABLE = 'data/validated/customers.csv';
const OUT_DIR = 'data/features';

const params = readParams('featurize');
const testSize = params.number('test_size', { min: 0.01, max: 0.99 });
const seed = params.number('seed', { integer: true });

const table = readCsv(VALIDATED_TABLE);
const index = new Map(table.header.map((name, i) => [name, i]));
const get = (row: readonly string[], column: string) => {
  const i = index.get(column);
  return i === undefined ? undefined : row[i];
};
const labels = table.rows.map((row) => get(row, customerTable.label.name) as string);
const split = stratifiedSplit(labels, { testSize, seed });
const trainRows = split.train.map((i) => table.rows[i] as readonly string[]);
const testRows = split.test.map((i) => table.rows[i] as readonly string[]);

// Fitted on the training rows only: nothing about the test rows may leak into the model.
const spec = fitPreprocessing(customerTable, trainRows, get);
const header = [customerTable.id, customerTable.label.name, ...spec.features];
const matrix = (rows: readonly (readonly string[])[]) =>
  rows.map((row) => [
    get(row, customerTable.id) as string,
    get(row, customerTable.label.name) === customerTable.label.positive ? 1 : 0,
    ...transformRow(spec, (column) => get(row, column)),
  ]);
writeCsv(`${OUT_DIR}/train.csv`, header, matrix(trainRows));
writeCsv(`${OUT_DIR}/test.csv`, header, matrix(testRows));
writeJson(`${OUT_DIR}/preprocessing.json`, spec);
writeJson(`${OUT_DIR}/feature-schema.json`, featureSchema(customerTable));
// The raw training inputs' bins and shares; train adds the model's scores and ships it as the reference profile.
writeJson(`${OUT_DIR}/input-profile.json`, profileInputs(spec.steps, trainRows, get));

const rate = (rows: readonly (readonly string[])[]) =>
  ((rows.filter((r) => get(r, customerTable.label.name) === customerTable.label.positive).length / rows.length) * 100).toFixed(1);
console.log(
  `featurize: ${trainRows.length} train / ${testRows.length} test rows (churn ${rate(trainRows)}% / ${rate(testRows)}%), ` +
    `${spec.features.length} features → ${OUT_DIR}/`,
);
