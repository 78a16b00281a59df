/** @module Reads a feature matrix written by featurize (id, label, features…) into typed arrays for tfjs. */
import { readCsv } from './csv.js';

export interface FeatureMatrix {
  readonly ids: string[];
  readonly features: string[];
  /** Row-major, rows × features. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly rows: number;
}

export function readFeatureMatrix(path: string): FeatureMatrix {
  const table = readCsv(path);
  const features = table.header.slice(2);
  const width = features.length;
  const x = new Float32Array(table.rows.length * width);
  const y = new Float32Array(table.rows.length);
  const ids: string[] = [];
  table.rows.forEach((row, r) => {
    ids.push(row[0] as string);
    y[r] = Number(row[1]);
    for (let j = 0; j < width; j++) x[r * width + j] = Number(row[j + 2]);
  });
  return { ids, features, x, y, rows: table.rows.length };
}
