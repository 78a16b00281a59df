import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { PIPELINE_FILES } from '../pipeline/pipeline-formats.js';
import { findRoot } from './find-root.js';

/** A directory tree of empty files and directories (names ending in `/`). */
function tree(paths: readonly string[]): string {
  const root = tempDir('pipe-find-root-');
  for (const p of paths) {
    if (p.endsWith('/')) mkdirSync(join(root, p), { recursive: true });
    else {
      mkdirSync(join(root, p, '..'), { recursive: true });
      writeFileSync(join(root, p), '');
    }
  }
  return root;
}

describe('findRoot', () => {
  it('finds the nearest directory at or above cwd that holds pipeline.yaml', () => {
    const root = tree(['pipeline.yaml', 'a/pipeline.yaml', 'a/b/c/']);
    expect(findRoot(join(root, 'a/b/c'))).toBe(join(root, 'a'));
    expect(findRoot(join(root, 'a'))).toBe(join(root, 'a'));
    expect(findRoot(root)).toBe(root);
  });

  it('takes a directory with .pipe/ as a root even before pipeline.yaml exists', () => {
    const root = tree(['.pipe/', 'data/raw/']);
    expect(findRoot(join(root, 'data/raw'))).toBe(root);
  });

  it('stops at the top of a git repository: a pipeline.yaml above it belongs to someone else', () => {
    const root = tree(['pipeline.yaml', 'inner/.git/', 'inner/src/']);
    expect(() => findRoot(join(root, 'inner/src'))).toThrowError(
      expect.objectContaining({
        code: 'NO_PIPELINE',
        data: { cwd: join(root, 'inner/src') },
        message: `no ${PIPELINE_FILES.join(' or ')} in ${join(root, 'inner/src')} or any parent directory; create one with 'pipe init' (see docs/pipeline-yaml.md)`,
      }),
    );
  });
});
