/**
 * @module What a built service serves from its own model/, decided at start and at every reload:
 * the model service.json describes while model/ holds the files the build wrote; once they have
 * been replaced, the files as they are, claiming nothing of the build (no version, commit, hash,
 * stage, params or metrics: GET /model, the metrics and the answers say `null`/unversioned, and
 * the params come from the package's metadata.json as for a plain directory).
 */
import { join } from 'node:path';
import type { ServedModel } from '../resolve-model.js';
import { firstDifference } from './model-files.js';
import type { ServiceManifest } from './service-config.js';

/** `here` is the service directory; `log` is told (once per load) when model/ is not what the build wrote. */
export function ownModel({ here, manifest, log }: { here: string; manifest: ServiceManifest; log: (line: string) => void }): () => Promise<ServedModel> {
  const dir = join(here, manifest.modelDir);
  return async () => {
    const changed = manifest.modelFiles === undefined ? undefined : await firstDifference(dir, manifest.modelFiles);
    if (changed === undefined) return { ...manifest.model, dir };
    log(`${manifest.modelDir}/ differs from what pipe serve build wrote (${changed}): serving it without the build's version`);
    const { name, source } = manifest.model;
    return { dir, name, source, provenance: { params: null, metrics: null } };
  };
}
