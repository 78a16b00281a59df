/**
 * @module pipe's own version, which GET /v2 answers as the server's (KServe V2's server metadata):
 * read once, from the package.json of the installation this code runs from. A built service carries
 * it in its manifest instead (service.json), as no pipe package.json is above it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The npm package pipe is installed as (runner/command/package-name.ts, which serve/ may not import). */
const PIPE_PACKAGE = 'pipe-ml';

let cached: string | undefined;

/** The version in the nearest package.json named pipe-ml above this module; 'unknown' when there is none. */
export function pipeVersion(): string {
  if (cached !== undefined) return cached;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; ) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === PIPE_PACKAGE && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // none here, or not JSON: look further up
    }
    const up = dirname(dir);
    if (up === dir) return (cached = 'unknown');
    dir = up;
  }
}
