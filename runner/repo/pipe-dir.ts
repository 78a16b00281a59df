/** @module Where pipe keeps its state inside a repository (.pipe/), and making it on first use. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { refuseLinkedPipeDirs } from './pipe-dir-links.js';

export interface PipeDir {
  readonly dir: string;
  readonly tmp: string;
  readonly cache: string;
  readonly config: string;
  readonly localConfig: string;
  /** Directory of the stat state (hash/stat-state.ts). */
  readonly state: string;
  readonly mutex: string;
}

export function pipeDir(root: string): PipeDir {
  const dir = join(root, '.pipe');
  const tmp = join(dir, 'tmp');
  return {
    dir,
    tmp,
    cache: join(dir, 'cache'),
    config: join(dir, 'config.yaml'),
    localConfig: join(dir, 'config.local.yaml'),
    state: join(tmp, 'state'),
    mutex: join(tmp, 'repro.mutex'),
  };
}

const IGNORE = '# pipe state: the cache, temporary files and local credentials are never committed\n/cache/\n/tmp/\n/config.local.yaml\n';

/** Creates .pipe/ with its .gitignore (committed config stays visible to git). */
export function ensurePipeDir(root: string): PipeDir {
  refuseLinkedPipeDirs(root);
  const d = pipeDir(root);
  const ignore = join(d.dir, '.gitignore');
  if (!existsSync(ignore) || readFileSync(ignore, 'utf8') !== IGNORE) writeFileAtomic(ignore, IGNORE);
  return d;
}
