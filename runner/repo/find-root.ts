/** @module Finds the repository root: the nearest directory at or above cwd holding a pipeline file (pipeline.yaml) or .pipe/. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PipeError } from '../errors.js';
import { PIPELINE_FILES } from '../pipeline/pipeline-formats.js';

export function findRoot(cwd: string = process.cwd()): string {
  let dir = resolve(cwd);
  for (;;) {
    if (PIPELINE_FILES.some((f) => existsSync(join(dir, f))) || existsSync(join(dir, '.pipe'))) return dir;
    if (existsSync(join(dir, '.git'))) break;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new PipeError(
    'NO_PIPELINE',
    `no ${PIPELINE_FILES.join(' or ')} in ${resolve(cwd)} or any parent directory; create one (see docs/pipeline-yaml.md)`,
    { cwd: resolve(cwd) },
  );
}
