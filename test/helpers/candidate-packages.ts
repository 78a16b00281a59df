/**
 * @module Candidate model packages made from a trained one, for the reload, shadow and canary
 * tests: each is a real package a user could ship, with a real fault. Broken: its weights file
 * gone (it does not load). Shifted: the output bias moved (another training's scores). Diverged:
 * weights of +Infinity, as a training that blew up writes them, giving NaN on every row with age
 * ≥ the training mean. Big: the same inputs through wide Dense layers, millions of multiply-adds
 * a row (slow whatever the machine's load).
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTf, saveLayersModel } from '../../serve/model/index.js';

interface WeightSpec {
  name: string;
  shape: number[];
}

/** Copies `src` to `dest` and lets `edit` change its float32 weights, by name. */
function withWeights(src: string, dest: string, edit: (weights: Map<string, Float32Array>) => void): string {
  cpSync(src, dest, { recursive: true });
  const manifest = (JSON.parse(readFileSync(join(dest, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[]; weights: WeightSpec[] }[] }).weightsManifest[0]!;
  const file = join(dest, manifest.paths[0]!);
  const bytes = readFileSync(file);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const weights = new Map<string, Float32Array>();
  let at = 0;
  for (const w of manifest.weights) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    weights.set(w.name, all.subarray(at, at + n));
    at += n;
  }
  edit(weights);
  writeFileSync(file, Buffer.from(all.buffer));
  return dest;
}

/** A copy of `src` without its weights.bin: a package that does not load. */
export function brokenPackage(src: string, dest: string): string {
  cpSync(src, dest, { recursive: true });
  rmSync(join(dest, 'weights.bin'));
  return dest;
}

/** The tiny package with its output bias moved by `shift` (logits): every score higher. */
export function shiftedPackage(src: string, dest: string, shift = 3): string {
  return withWeights(src, dest, (w) => {
    const bias = w.get('probability/bias')!;
    bias[0] = bias[0]! + shift;
  });
}

/** The tiny package with diverged weights: two hidden units at +Infinity from age, summed with +1 and −1, give NaN for every age ≥ 40 (the mean). */
export function divergedPackage(src: string, dest: string): string {
  return withWeights(src, dest, (w) => {
    const kernel = w.get('hidden/kernel')!; // [inputs][units], age first
    const units = w.get('hidden/bias')!.length;
    kernel[0] = Infinity;
    kernel[1] = Infinity;
    const out = w.get('probability/kernel')!;
    out[0] = 1;
    out[1] = -1;
    if (units < 2) throw new Error('the tiny package needs two hidden units');
  });
}

/** A package with `src`'s preprocessing, schema and profile, and a model of `layers` Dense layers of `units` (random weights, seeded). */
export async function bigDensePackage(src: string, dest: string, { units = 1536, layers = 3 }: { units?: number; layers?: number } = {}): Promise<string> {
  cpSync(src, dest, { recursive: true });
  const { tf } = await loadTf();
  const width = (JSON.parse(readFileSync(join(src, 'preprocessing.json'), 'utf8')) as { features: string[] }).features.length;
  const model = tf.sequential();
  for (let i = 0; i < layers; i++) {
    model.add(tf.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [width] } : {}), kernelInitializer: tf.initializers.glorotUniform({ seed: 10 + i }), name: `wide${i}` }));
  }
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 99 }), name: 'probability' }));
  await saveLayersModel(tf, model, dest);
  model.dispose();
  return dest;
}
