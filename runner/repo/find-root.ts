/** @module Finds the repository root: the nearest directory at or above cwd holding a pipeline file (pipeline.yaml) or .pipe/ (or, when asked, the git work tree's top). */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PipeError } from '../errors.js';
import { PIPELINE_FILES } from '../pipeline/pipeline-formats.js';

export function findRoot(cwd: string = process.cwd(), { orGitTop = false }: { orGitTop?: boolean } = {}): string {
  let dir = resolve(cwd);
  for (;;) {
    if (PIPELINE_FILES.some((f) => existsSync(join(dir, f))) || existsSync(join(dir, '.pipe'))) return dir;
    // `pipe add` before any stage (as DVC allows): the git work tree's top becomes the root.
    if (existsSync(join(dir, '.git'))) {
      if (orGitTop) return dir;
      break;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new PipeError(
    'NO_PIPELINE',
    `no ${PIPELINE_FILES.join(' or ')} in ${resolve(cwd)} or any parent directory; create one with 'pipe init' (see docs/pipeline-yaml.md)`,
    { cwd: resolve(cwd) },
  );
}
