import { describe, expect, it } from 'vitest';
import type { LoadedModel } from '../loaded-model.js';
import { predictionJson } from './prediction-json.js';

const modelOf = (name: string, version: string | null, threshold: number) => ({ info: { name, version, threshold } }) as unknown as LoadedModel;

describe('predictionJson', () => {
  it('writes what JSON.stringify writes, for edge-case numbers, ids and model names', () => {
    const probabilities = [0, 1, -0, 0.5, 1e-7, 1.5e-10, 5e-324, 0.1 + 0.2, Math.fround(0.123456789), 1 - 1e-16, 1e21];
    const ids = [undefined, 'c-1', '', 'quote " back \\ slash', 'line\nbreak \u2028 \u0007 é', 42, -1.5, 1e21];
    const models = [modelOf('churn', 'v1.2.0', 0.5), modelOf('na"me\\ü', null, 0.35), modelOf('m', 'unversioned', 1e-7)];
    for (const model of models)
      for (const probability of probabilities)
        for (const id of ids) {
          const { threshold, name, version } = model.info;
          const expected = JSON.stringify({ probability, label: probability >= threshold ? 1 : 0, threshold, ...(id === undefined ? {} : { id }), model: { name, version } });
          expect(predictionJson(model, probability, id)).toBe(expected);
        }
  });
});
