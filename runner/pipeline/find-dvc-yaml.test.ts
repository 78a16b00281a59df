import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ParsedCache } from '../yaml/parsed-cache.js';
import { findDvcYamls } from './find-dvc-yaml.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'pipe-find-dvc-yaml-'));
  dirs.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** A minute ago: old enough for the parsed cache to remember what depends on it. */
const old = new Date(Date.now() - 60_000);

describe('findDvcYamls', () => {
  it('finds every dvc.yaml, the root’s first, skipping .git, .dvc, .pipe, node_modules, ignored and DVC-tracked directories', () => {
    const root = workspace({
      'dvc.yaml': '',
      'b/dvc.yaml': '',
      'a/deep/er/dvc.yaml': '',
      '.git/dvc.yaml': '',
      '.dvc/dvc.yaml': '',
      '.pipe/dvc.yaml': '',
      'node_modules/x/dvc.yaml': '',
      '.gitignore': '/build/\n',
      'build/dvc.yaml': '',
      'c/.gitignore': 'tmp/\n!keep/\n',
      'c/tmp/dvc.yaml': '',
      'c/keep/dvc.yaml': '',
      '.dvcignore': 'scratch\n',
      'scratch/dvc.yaml': '',
      '.git/info/exclude': 'local/\n',
      'local/dvc.yaml': '',
      'images.dvc': 'outs: []\n',
      'images/dvc.yaml': '',
      'd/dvc.yaml.bak': '',
    });
    expect(findDvcYamls(root, new ParsedCache(undefined))).toEqual(['dvc.yaml', 'a/deep/er/dvc.yaml', 'b/dvc.yaml', 'c/keep/dvc.yaml']);
  });

  it('remembers the search until a directory searched gains or loses an entry, or an ignore file changes', () => {
    const root = workspace({ 'sub/dvc.yaml': '', '.gitignore': '' });
    mkdirSync(join(root, '.pipe'));
    const at = (rel: string) => join(root, rel);
    const age = () => ['', 'sub', '.gitignore', 'sub/dvc.yaml'].forEach((p) => utimesSync(at(p), old, old));
    const search = () => {
      const cache = new ParsedCache(at('.pipe'));
      const found = findDvcYamls(root, cache);
      cache.save();
      return found;
    };
    age();
    expect(search()).toEqual(['sub/dvc.yaml']);
    mkdirSync(at('x'));
    writeFileSync(at('x/dvc.yaml'), '');
    // Even with the directory's mtime put back, its ctime moved with the new entry.
    utimesSync(root, old, old);
    expect(search()).toEqual(['sub/dvc.yaml', 'x/dvc.yaml']);
    utimesSync(at('x'), old, old);
    utimesSync(root, old, old);
    expect(search()).toEqual(['sub/dvc.yaml', 'x/dvc.yaml']);
    writeFileSync(at('.gitignore'), '/x/\n');
    expect(search()).toEqual(['sub/dvc.yaml']);
  });
});
