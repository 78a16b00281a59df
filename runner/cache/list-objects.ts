/** @module Lists every object in a store (or a directory remote with the same layout). */
import { join } from 'node:path';
import { listFanOut } from '../fs/list-fan-out.js';

/** `sha256:<hex>[.dir]` of every object under `<root>/files/sha256/`. */
export function listObjects(root: string): string[] {
  return listFanOut(join(root, 'files', 'sha256'), /^[0-9a-f]{62}(\.dir)?$/).map((key) => `sha256:${key}`);
}
