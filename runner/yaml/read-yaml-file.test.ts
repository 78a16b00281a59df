import { mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { statKey } from '../fs/file-stat.js';
import { ParsedCache } from './parsed-cache.js';
import { readYamlFile } from './read-yaml-file.js';

/** A repository with params.yaml written a minute ago (old enough for the cache to trust its stats). */
function setup(text = 'lr: 0.1\n') {
  const root = tempDir('pipe-read-yaml-');
  const cacheDir = join(root, '.cache');
  const write = (t: string, { old = true } = {}) => {
    writeFileSync(join(root, 'params.yaml'), t);
    const when = new Date(Date.now() - 60_000);
    if (old) utimesSync(join(root, 'params.yaml'), when, when);
  };
  write(text);
  /** Reads params.yaml through a cache loaded from disk (a new run), remembers it, saves the cache. */
  const read = async ({ fresh = false } = {}) => {
    const cache = new ParsedCache(cacheDir);
    const r = await readYamlFile({ root, name: 'params.yaml', cache, fresh });
    if (r.exists) r.remember();
    cache.save();
    return r;
  };
  return { root, cacheDir, write, read };
}

describe('readYamlFile', () => {
  it('says a missing file, or a directory in its place, does not exist', async () => {
    const root = tempDir('pipe-read-yaml-');
    const cache = new ParsedCache(undefined);
    expect(await readYamlFile({ root, name: 'params.yaml', cache })).toEqual({ exists: false });
    mkdirSync(join(root, 'params.yaml'));
    expect(await readYamlFile({ root, name: 'params.yaml', cache })).toEqual({ exists: false });
  });

  it('parses a file (with a source that can locate keys), and the next run gets the value from the cache without parsing', async () => {
    const { read } = setup();
    const first = await read();
    expect(first).toMatchObject({ exists: true, value: { lr: 0.1 } });
    expect(first.exists && first.source?.locate(['lr'])).toEqual({ line: 1, column: 5 });
    const second = await read();
    expect(second).toMatchObject({ exists: true, value: { lr: 0.1 } });
    expect(second.exists && second.source).toBeUndefined();
  });

  it('parses again when the file changed, and when asked for a fresh parse (to locate an error)', async () => {
    const { read, write } = setup();
    await read();
    write('lr: 0.25\n');
    expect(await read()).toMatchObject({ value: { lr: 0.25 } });
    const fresh = await read({ fresh: true });
    expect(fresh.exists && fresh.source).toBeDefined();
  });

  it('does not remember a file with syntax errors, nor one modified within the last second', async () => {
    const bad = setup('a: 1\na: 2\n');
    await bad.read();
    const parsedAgain = await bad.read();
    expect(parsedAgain.exists && parsedAgain.source).toBeDefined();

    const racy = setup();
    racy.write('lr: 0.3\n', { old: false });
    await racy.read();
    const again = await racy.read();
    expect(again.exists && again.source).toBeDefined();
    expect(() => readFileSync(join(racy.cacheDir, 'parsed.json'), 'utf8')).toThrow(/ENOENT/);
  });
});

describe("the parsed cache and YAML's non-finite numbers", () => {
  it('does not remember a value JSON cannot hold, so .inf and .nan are read as themselves on the next run (not as null)', async () => {
    const { read } = setup('lr: .inf\nlow: -.inf\nmu: .nan\n');
    await read();
    const second = await read();
    expect(second).toMatchObject({ exists: true, value: { lr: Infinity, low: -Infinity, mu: NaN } });
  });

  it('forgets what an earlier pipe remembered (it wrote .inf as null), so params.yaml is parsed again and reads as itself', async () => {
    const { root, cacheDir, read } = setup('lr: .inf\n');
    mkdirSync(cacheDir, { recursive: true });
    // The cache as pipe wrote it before non-finite numbers were refused: JSON had turned .inf into null.
    writeFileSync(join(cacheDir, 'parsed.json'), JSON.stringify({ 'params.yaml': { stat: statKey(statSync(join(root, 'params.yaml'))), value: { lr: null } } }));
    expect(await read()).toMatchObject({ exists: true, value: { lr: Infinity } });
  });
});
