/**
 * @module `pipe serve monitoring`: resolves the model as `pipe serve` does, reads its feature
 * schema (no TF.js: only metadata.json, feature-schema.json and preprocessing.json, which names
 * the row key that is not a feature), and writes the monitoring files to DIR, each atomically.
 * Files of DIR that pipe does not write are left alone.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PipeError, writeFileAtomic } from '../../runner/index.js';
import { assertFeatureSchema, assertModelPackageMetadata, assertPreprocessingSpec, METADATA_FILE, ModelPackageError } from '../model/index.js';
import { packageInvalid } from '../package-invalid.js';
import { readPackageJsonAs } from '../model/package-file.js';
import { resolveModel } from '../resolve-model.js';
import type { MonitoredService } from './monitored-service.js';
import { monitoringFiles } from './monitoring-files.js';

export interface MonitoringOptions {
  readonly cwd: string;
  readonly reference?: string;
  readonly out: string;
  readonly settings: Omit<MonitoredService, 'model' | 'features'>;
}

/** The model's name and its input features, in the schema's order, the row key left out. */
export function readModelFeatures(dir: string): { name: string | undefined; features: string[] } {
  try {
    const metadata = readPackageJsonAs(dir, METADATA_FILE, assertModelPackageMetadata);
    const schema = readPackageJsonAs(dir, metadata.files.feature_schema, assertFeatureSchema, { listedBy: METADATA_FILE });
    const preprocessing = readPackageJsonAs(dir, metadata.files.preprocessing, assertPreprocessingSpec, { listedBy: METADATA_FILE });
    const features = Object.keys(schema.properties).filter((c) => c !== preprocessing.id);
    if (features.length === 0) throw new ModelPackageError({ dir, file: metadata.files.feature_schema, problem: 'its properties name no input feature' });
    return { name: typeof metadata.model === 'string' ? metadata.model : undefined, features };
  } catch (error) {
    throw packageInvalid(error);
  }
}

export async function writeMonitoring({ cwd, reference, out: outArg, settings }: MonitoringOptions): Promise<{ service: MonitoredService; files: string[] }> {
  const out = resolve(cwd, outArg);
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new PipeError('USAGE', `${outArg} is a file; -o takes the directory to write the monitoring files to (pipe serve monitoring)`, { command: 'serve monitoring', flag: '--out' });
  }
  const model = await resolveModel({ cwd, ...(reference === undefined ? {} : { reference }) });
  let read: ReturnType<typeof readModelFeatures>;
  try {
    read = readModelFeatures(model.dir);
  } finally {
    if (model.fetched) rmSync(dirname(model.dir), { recursive: true, force: true });
  }
  const service: MonitoredService = { model: model.source === 'directory' ? (read.name ?? model.name) : model.name, features: read.features, ...settings };
  const files = monitoringFiles(service);
  for (const [path, text] of Object.entries(files)) writeFileAtomic(join(out, path), text);
  return { service, files: Object.keys(files) };
}
