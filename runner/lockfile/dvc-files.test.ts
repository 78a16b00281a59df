import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { readDvcFiles } from './dvc-files.js';

const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

function project(dvcFile: string): string {
  const root = tempDir('pipe-dvc-files-');
  mkdirSync(join(root, '.dvc'));
  writeFileSync(join(root, 'x.dvc'), dvcFile);
  return root;
}

describe('readDvcFiles', () => {
  it('refuses a tracked path whose directory is a symlink out of the repository (as pipe add does), naming the .dvc file and line', async () => {
    const root = project(`outs:\n- md5: ${MD5}\n  size: 0\n  hash: md5\n  path: link/victim.txt\n`);
    const outside = tempDir('pipe-dvc-files-outside-');
    writeFileSync(join(outside, 'victim.txt'), '');
    symlinkSync(outside, join(root, 'link'));
    await expect(readDvcFiles({ root })).rejects.toMatchObject({
      code: 'SPEC_INVALID',
      data: { issues: [{ file: 'x.dvc', line: 5, message: expect.stringContaining('outside the repository') }] },
    });
  });

  it('reads a tracked path through a symlink that stays inside the repository', async () => {
    const root = project(`outs:\n- md5: ${MD5}\n  size: 0\n  hash: md5\n  path: link/a.txt\n`);
    mkdirSync(join(root, 'real'));
    writeFileSync(join(root, 'real', 'a.txt'), '');
    symlinkSync('real', join(root, 'link'));
    expect(await readDvcFiles({ root })).toEqual([{ file: 'x.dvc', path: 'link/a.txt', md5: MD5, kind: 'md5' }]);
  });
});
