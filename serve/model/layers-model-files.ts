/**
 * @module Saves and reads a tf.LayersModel as TF.js layers-format files in a directory
 * (model.json + weights.bin), through plain file reads and writes so that the same code runs on
 * every backend (only tfjs-node has a file:// handler). Reading checks that the weight files hold
 * exactly the bytes model.json declares, before TF.js sees them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LayersModel, io } from '@tensorflow/tfjs';
import { ModelPackageError } from './model-package-error.js';
import { readPackageFile, readPackageJson } from './package-file.js';
import type { Tf } from './tf-backend.js';

export const LAYERS_MODEL_FILE = 'model.json';
export const LAYERS_MODEL_FORMAT = 'layers-model';
const WEIGHTS_FILE = 'weights.bin';

/** Bytes per stored value, by dtype (a quantized weight is stored in its quantization dtype). */
const BYTES_PER_VALUE: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

export async function saveLayersModel(tf: Tf, model: LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts: io.ModelArtifacts): Promise<io.SaveResult> => {
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
      writeFileSync(join(dir, WEIGHTS_FILE), weights);
      const modelJson = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, LAYERS_MODEL_FILE), `${JSON.stringify(modelJson)}\n`);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs).length,
          weightDataBytes: weights.byteLength,
        },
      };
    }),
  );
}

/** Bytes a weight takes in a weight file; undefined when its dtype or shape cannot be sized. */
function weightBytes(spec: io.WeightsManifestEntry): number | undefined {
  const perValue = BYTES_PER_VALUE[spec.quantization?.dtype ?? spec.dtype];
  if (perValue === undefined || !Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) return undefined;
  return spec.shape.reduce((n, d) => n * d, perValue);
}

/**
 * `file` (model.json) and the weight files it lists, as the artifacts tf.io.fromMemory takes.
 * Throws a ModelPackageError naming the file that is missing, malformed or of the wrong size.
 */
export function readLayersModelArtifacts(dir: string, file: string = LAYERS_MODEL_FILE): io.ModelArtifacts {
  const json = readPackageJson(dir, file) as Partial<io.ModelJSON> | null;
  const fail = (problem: string, failedFile = file) => new ModelPackageError({ dir, file: failedFile, problem });
  if (json?.format !== LAYERS_MODEL_FORMAT) throw fail(`format is ${JSON.stringify(json?.format)}; expected "${LAYERS_MODEL_FORMAT}" (a TF.js layers model)`);
  if (typeof json.modelTopology !== 'object' || json.modelTopology === null) throw fail('has no modelTopology');
  if (!Array.isArray(json.weightsManifest)) throw fail('has no weightsManifest');
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest as Partial<io.WeightsManifestConfig[number]>[]) {
    if (!Array.isArray(group.paths) || group.paths.length === 0 || !Array.isArray(group.weights)) {
      throw fail('weightsManifest: every group needs "paths" (weight files) and "weights"');
    }
    let declared = 0;
    for (const spec of group.weights) {
      const bytes = weightBytes(spec);
      if (bytes === undefined) throw fail(`weight ${JSON.stringify(spec.name)} has dtype ${JSON.stringify(spec.dtype)} or shape ${JSON.stringify(spec.shape)} that cannot be sized`);
      declared += bytes;
    }
    const files = group.paths.map((path) => readPackageFile(dir, path, { listedBy: file }));
    const held = files.reduce((n, b) => n + b.byteLength, 0);
    if (held !== declared) {
      const [first, ...rest] = group.paths as [string, ...string[]];
      throw fail(`holds ${held} bytes${rest.length > 0 ? ` with ${rest.join(', ')}` : ''}, but ${file} declares ${declared} bytes of weights for it`, first);
    }
    buffers.push(...files);
  }
  const all = Buffer.concat(buffers);
  return {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer,
    ...(json.trainingConfig ? { trainingConfig: json.trainingConfig } : {}),
  };
}
