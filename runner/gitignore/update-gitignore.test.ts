import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { describe, expect, it } from 'vitest';
import { updateGitignore } from './update-gitignore.js';

describe('updateGitignore', () => {
  it('keeps user lines, writes one managed block, replaces it in place, never duplicates', () => {
    const root = tempDir('pipe-gi-');
    writeFileSync(join(root, '.gitignore'), 'node_modules/\n/already\n');
    expect(updateGitignore({ root, paths: ['models/churn', 'data/x', 'already'] })).toBe(true);
    const first = readFileSync(join(root, '.gitignore'), 'utf8');
    expect(first).toBe(
      'node_modules/\n/already\n# >>> pipe: cached outs and tracked data (managed by pipe; edits here are overwritten) >>>\n/data/x\n/models/churn\n# <<< pipe <<<\n',
    );
    expect(updateGitignore({ root, paths: ['data/x', 'models/churn'] })).toBe(false);
    writeFileSync(join(root, '.gitignore'), `${first}user-after\n`);
    updateGitignore({ root, paths: ['data/y'] });
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toBe(
      'node_modules/\n/already\n# >>> pipe: cached outs and tracked data (managed by pipe; edits here are overwritten) >>>\n/data/y\n# <<< pipe <<<\nuser-after\n',
    );
    updateGitignore({ root, paths: [] });
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toBe('node_modules/\n/already\nuser-after\n');
  });

  it('escapes glob characters so a path matches only itself', () => {
    const root = tempDir('pipe-gi-');
    updateGitignore({ root, paths: ['out/[a]*.csv'] });
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toContain('/out/\\[a\\]\\*.csv\n');
  });
});
