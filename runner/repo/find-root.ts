/**
 * @module Finds the repository root: the nearest directory at or above cwd holding pipeline.yaml,
 * .pipe/ or .dvc/ (a DVC repository's root, as DVC finds it), else one holding a dvc.yaml
 * (the outermost inside a git work tree), or, when asked, the git work tree's top. A dvc.yaml alone
 * does not stop the search: in a DVC monorepo `sub/dvc.yaml` is a part of the pipeline whose root
 * holds `.dvc/` (or the root's own dvc.yaml).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PipeError } from '../errors.js';
import { PIPELINE_FILES } from '../pipeline/pipeline-formats.js';

/** What makes a directory the root outright: pipe's pipeline file and directory, DVC's directory. */
const ROOT_MARKERS = ['pipeline.yaml', '.pipe', '.dvc'];

export function findRoot(cwd: string = process.cwd(), { orGitTop = false }: { orGitTop?: boolean } = {}): string {
  let dir = resolve(cwd);
  // Directories holding a dvc.yaml: within a git work tree the outermost is the root (it reads
  // those below it); outside one, the nearest.
  let nearest: string | undefined;
  let outermost: string | undefined;
  for (;;) {
    if (ROOT_MARKERS.some((f) => existsSync(join(dir, f)))) return dir;
    if (PIPELINE_FILES.some((f) => existsSync(join(dir, f)))) {
      nearest ??= dir;
      outermost = dir;
    }
    if (existsSync(join(dir, '.git'))) {
      if (outermost !== undefined) return outermost;
      // `pipe add` before any stage (as DVC allows): the git work tree's top becomes the root.
      if (orGitTop) return dir;
      break;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  if (nearest !== undefined) return nearest;
  throw new PipeError(
    'NO_PIPELINE',
    `no ${PIPELINE_FILES.join(' or ')} in ${resolve(cwd)} or any parent directory; create one with 'pipe init' (see docs/pipeline-yaml.md)`,
    { cwd: resolve(cwd) },
  );
}
