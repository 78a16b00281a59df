import { describe, expect, it } from 'vitest';
import type { LoadedModel } from '../loaded-model.js';
import { batchJson, batchResultJson, predictionJson } from './prediction-json.js';

const modelOf = (name: string, version: string | null, threshold: number) => ({ info: { name, version, threshold } }) as unknown as LoadedModel;

const probabilities = [0, 1, -0, 0.5, 1e-7, 1.5e-10, 5e-324, 0.1 + 0.2, Math.fround(0.123456789), 1 - 1e-16, 1e21];
const ids = [undefined, 'c-1', '', 'quote " back \\ slash', 'line\nbreak \u2028 \u0007 é', 42, -1.5, 1e21];
const models = [modelOf('churn', 'v1.2.0', 0.5), modelOf('na"me\\ü', null, 0.35), modelOf('m', 'unversioned', 1e-7)];

describe('predictionJson', () => {
  it('writes what JSON.stringify writes, for edge-case numbers, ids and model names', () => {
    for (const model of models)
      for (const probability of probabilities)
        for (const id of ids) {
          const { threshold, name, version } = model.info;
          const expected = JSON.stringify({ probability, label: probability >= threshold ? 1 : 0, threshold, ...(id === undefined ? {} : { id }), model: { name, version } });
          expect(predictionJson(model, probability, id)).toBe(expected);
        }
  });
});

describe('batchJson', () => {
  it('writes what JSON.stringify writes of a batch answer: scored rows (edge-case numbers and ids) and error entries in row order', () => {
    for (const model of models) {
      const { threshold, name, version } = model.info;
      const results: Record<string, unknown>[] = [];
      const json: string[] = [];
      probabilities.forEach((probability, p) =>
        ids.forEach((id, i) => {
          const index = results.length;
          if ((p + i) % 5 === 0) {
            const entry = { index, error: `row ${index}: plan: "gold" is not one of "basic", "pro"`, fields: [{ field: 'plan', kind: 'category', message: 'plan: "gold" is not one of "basic", "pro"' }] };
            results.push(entry);
            json.push(JSON.stringify(entry));
            return;
          }
          results.push({ index, probability, label: probability >= threshold ? 1 : 0, ...(id === undefined ? {} : { id }) });
          json.push(batchResultJson(index, probability, threshold, id));
        }),
      );
      const invalid = results.filter((r) => 'error' in r).length;
      expect(batchJson(model, json, results.length - invalid, invalid)).toBe(JSON.stringify({ results, scored: results.length - invalid, invalid, threshold, model: { name, version } }));
    }
    expect(batchJson(models[0] as LoadedModel, [], 0, 0)).toBe('{"results":[],"scored":0,"invalid":0,"threshold":0.5,"model":{"name":"churn","version":"v1.2.0"}}');
  });
});
