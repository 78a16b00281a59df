/**
 * @module The model/ of a built service: a plain copy of the package (links into the cache
 * followed), files 0644 and directories 0755 whatever they were in the workspace, the cache or a
 * directory, so the service's files do not depend on where the model came from; and the record of
 * what was written, which the service checks its model/ against.
 */
import { chmodSync, cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { modelFiles, type ModelFiles } from './model-files.js';

export async function copyModel(from: string, to: string): Promise<ModelFiles> {
  cpSync(from, to, { recursive: true, dereference: true });
  setModes(to);
  return modelFiles(to);
}

function setModes(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) setModes(path);
    else chmodSync(path, 0o644);
  }
}
