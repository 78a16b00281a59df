import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { ensurePipeDir, pipeDir } from './pipe-dir.js';

/** Whether git, in the repository at `root`, ignores `abs`. */
const ignored = (root: string, abs: string) => spawnSync('git', ['check-ignore', '-q', relative(root, abs)], { cwd: root }).status === 0;

function gitRepo(): string {
  const root = tempDir('pipe-dir-');
  execFileSync('git', ['init', '-q', root]);
  return root;
}

describe('ensurePipeDir', () => {
  it("makes git ignore the cache, tmp/ (the stat state, the mutex) and local credentials, but not the committed config", () => {
    const root = gitRepo();
    const d = ensurePipeDir(root);
    expect(d.dir).toBe(join(root, '.pipe'));
    for (const abs of [join(d.cache, 'files/sha256/ab/cdef'), join(d.state, 'paths.json'), d.mutex, d.localConfig]) {
      expect(ignored(root, abs), relative(root, abs)).toBe(true);
    }
    expect(ignored(root, d.config)).toBe(false);
    expect(ignored(root, join(d.dir, '.gitignore'))).toBe(false);
  });

  it('restores a .pipe/.gitignore that was edited by hand, and leaves a correct one as it is', () => {
    const root = gitRepo();
    const file = join(pipeDir(root).dir, '.gitignore');
    mkdirSync(pipeDir(root).dir);
    writeFileSync(file, '# mine\n');
    ensurePipeDir(root);
    expect(readFileSync(file, 'utf8')).toContain('/cache/\n');
    expect(ignored(root, pipeDir(root).localConfig)).toBe(true);

    const before = statSync(file);
    ensurePipeDir(root);
    // Rewriting goes through a temp file and rename, so an untouched file keeps its inode.
    expect(statSync(file).ino).toBe(before.ino);
  });
});
