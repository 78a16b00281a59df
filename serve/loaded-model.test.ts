/**
 * A hot reload loads the next model on the serving process, beside the requests: it must hand the
 * event loop back between its steps, or every request queued behind it waits for the whole load.
 */
import { cpSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyPackage } from '../test/helpers/model-package.js';
import { disposeLoaded, loadServedModel } from './loaded-model.js';

let root: string;
let dir: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pipe-serve-loaded-'));
  dir = join(root, 'tiny');
  await writeTinyPackage(dir);
  // The first load starts tfjs: the reloads below are what a SIGHUP costs.
  disposeLoaded(await loadServedModel({ dir, name: 'tiny', source: 'directory' }));
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('loadServedModel', () => {
  it('lets the event loop turn between the steps of a load (reading, compiling the schema, building, checking, warming the model)', async () => {
    let turns = 0;
    let loading = true;
    const count = () => {
      turns++;
      if (loading) setImmediate(count);
    };
    setImmediate(count);
    const model = await loadServedModel({ dir, name: 'tiny', source: 'directory' });
    loading = false;
    disposeLoaded(model);
    // One turn per step at least: package files, schema, weights, tfjs model, shape, the engine check against tfjs, the warm-up, the description.
    expect(turns).toBeGreaterThanOrEqual(8);
  }, 120_000);

  it('refuses a package whose weights (the right size) are NaN: exit 2 at start, the old model kept on a reload', async () => {
    const bad = join(root, 'nan');
    cpSync(dir, bad, { recursive: true });
    const weights = join(bad, 'weights.bin');
    writeFileSync(weights, Buffer.from(new Float32Array(statSync(weights).size / 4).fill(Number.NaN).buffer));
    await expect(loadServedModel({ dir: bad, name: 'tiny', source: 'directory' })).rejects.toMatchObject({
      code: 'SERVE_MODEL_INVALID',
      message: expect.stringMatching(/model\.json: its weights give NaN for training's imputed row, not a probability \(NaN or infinite weights\?\)/),
    });
  }, 120_000);
});
