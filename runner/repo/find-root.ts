/** @module Finds the repository root: the nearest directory at or above cwd holding pipeline.yaml or .pipe/. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PipeError } from '../errors.js';

export function findRoot(cwd: string = process.cwd()): string {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, 'pipeline.yaml')) || existsSync(join(dir, '.pipe'))) return dir;
    if (existsSync(join(dir, '.git'))) break;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new PipeError(
    'NO_PIPELINE',
    `no pipeline.yaml in ${resolve(cwd)} or any parent directory; create one (see docs/pipeline-yaml.md)`,
    { cwd: resolve(cwd) },
  );
}
