import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { hashBytes } from '../hash/hash-file.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import { workspaceHash } from './workspace-hash.js';

describe('workspaceHash', () => {
  it("hashes a file as data.lock does, and creates no .pipe/ in a repository that has none", async () => {
    const root = tempDir('pipe-workspace-hash-');
    writeFileSync(join(root, 'm.txt'), 'weights\n');
    expect(await workspaceHash(root, 'm.txt' as RepoPath)).toBe(`sha256:${hashBytes('weights\n')}`);
    expect(await workspaceHash(root, 'absent.txt' as RepoPath)).toBeUndefined();
    expect(existsSync(join(root, '.pipe'))).toBe(false);
  });

  it('refuses a stat state directory that is a link out of the repository, writing nothing there', async () => {
    const root = tempDir('pipe-workspace-hash-');
    const outside = tempDir('pipe-workspace-hash-outside-');
    mkdirSync(join(root, '.pipe', 'tmp'), { recursive: true });
    symlinkSync(outside, join(root, '.pipe', 'tmp', 'state'));
    writeFileSync(join(root, 'm.txt'), 'weights\n');
    await expect(workspaceHash(root, 'm.txt' as RepoPath)).rejects.toMatchObject({ code: 'PATH_INVALID' });
    expect(readdirSync(outside)).toEqual([]);
  });
});
