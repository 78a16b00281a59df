/** @module A built service's own model/ against the record of it in service.json: the build's identity while the files are the build's, none once one is replaced. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstDifference, modelFiles } from './model-files.js';
import { ownModel } from './own-model.js';
import type { ServiceManifest } from './service-config.js';

let here: string;
let model: string;

beforeEach(() => {
  here = mkdtempSync(join(tmpdir(), 'pipe-own-model-'));
  model = join(here, 'model');
  mkdirSync(join(model, 'assets'), { recursive: true });
  writeFileSync(join(model, 'model.json'), '{"format":"layers-model"}');
  writeFileSync(join(model, 'weights.bin'), Buffer.from([1, 2, 3, 4]));
  writeFileSync(join(model, 'assets', 'notes.txt'), 'notes');
});

afterEach(() => rmSync(here, { recursive: true, force: true }));

const described: ServiceManifest['model'] = {
  name: 'churn',
  version: 'v1.2.0',
  stage: 'prod',
  commit: 'a'.repeat(40),
  hash: 'sha256:abc.dir',
  source: 'registry',
  path: 'models/churn',
  provenance: { params: { 'train.epochs': 7 }, metrics: { 'metrics/eval.json': { auc: 0.9 } } },
};

describe('modelFiles and firstDifference', () => {
  it('records every file, nested ones by their /-separated path, with size and SHA-256', async () => {
    const files = await modelFiles(model);
    expect(Object.keys(files)).toEqual(['assets/notes.txt', 'model.json', 'weights.bin']);
    expect(files['weights.bin']).toEqual({ size: 4, sha256: '9f64a747e1b97f131fabb6b447296c9b6f0201e79fb3c5356e6c77e89b6a806a' });
    expect(await firstDifference(model, files)).toBeUndefined();
  });

  it('names a file changed in place (same size), one removed, and one added', async () => {
    const files = await modelFiles(model);
    writeFileSync(join(model, 'weights.bin'), Buffer.from([1, 2, 3, 5]));
    expect(await firstDifference(model, files)).toBe('weights.bin');
    rmSync(join(model, 'weights.bin'));
    expect(await firstDifference(model, files)).toBe('weights.bin');
    writeFileSync(join(model, 'weights.bin'), Buffer.from([1, 2, 3, 4]));
    writeFileSync(join(model, 'extra.bin'), 'x');
    expect(await firstDifference(model, files)).toBe('extra.bin');
    rmSync(model, { recursive: true });
    expect(await firstDifference(model, files)).toBe('assets/notes.txt');
  });
});

describe('ownModel', () => {
  it("is the build's model while model/ holds the files the build wrote, and nothing of the build once one is replaced, saying so once per load", async () => {
    const manifest: ServiceManifest = { format: 'pipe-service/1', modelDir: 'model', model: described, modelFiles: await modelFiles(model) };
    const lines: string[] = [];
    const read = ownModel({ here, manifest, log: (l) => lines.push(l) });
    expect(await read()).toEqual({ ...described, dir: model });
    expect(lines).toEqual([]);

    writeFileSync(join(model, 'weights.bin'), Buffer.from([9, 9, 9, 9]));
    expect(await read()).toEqual({ dir: model, name: 'churn', source: 'registry', provenance: { params: null, metrics: null } });
    expect(lines).toEqual(["model/ differs from what pipe serve build wrote (weights.bin): serving it without the build's version"]);

    // The build's files back: its identity back, nothing said.
    writeFileSync(join(model, 'weights.bin'), Buffer.from([1, 2, 3, 4]));
    expect(await read()).toEqual({ ...described, dir: model });
    expect(lines).toHaveLength(1);
  });

  it('trusts service.json as before when it records no files (a service built before the record existed)', async () => {
    const manifest: ServiceManifest = { format: 'pipe-service/1', modelDir: 'model', model: described };
    writeFileSync(join(model, 'weights.bin'), Buffer.from([9, 9, 9, 9]));
    const lines: string[] = [];
    expect(await ownModel({ here, manifest, log: (l) => lines.push(l) })()).toEqual({ ...described, dir: model });
    expect(lines).toEqual([]);
  });
});
