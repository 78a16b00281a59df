/** @module The npm package pipe is installed as (its bin is `pipe`), and its version: what `pipe --version` prints, what generated files name, what a served model's /v2 reports. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_NAME = 'pipe-ml';

let cached: string | undefined;

/** The version in the nearest package.json named PACKAGE_NAME above this module (read once); 'unknown' when there is none. */
export function pipeVersion(): string {
  if (cached !== undefined) return cached;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; ) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string' && pkg.version) return (cached = pkg.version);
    } catch {
      // none here, or not JSON: look further up
    }
    const up = dirname(dir);
    if (up === dir) return (cached = 'unknown');
    dir = up;
  }
}
