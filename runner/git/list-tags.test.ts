import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { listAnnotatedTags } from './list-tags.js';

describe('listAnnotatedTags', () => {
  it('reads what git wrote, loose and packed: tagger, date, zone, message (long ones too), the peeled commit; lightweight tags left out', async () => {
    const dir = tempDir('pipe-tags-');
    const env = { ...process.env, GIT_AUTHOR_NAME: 'Ann', GIT_AUTHOR_EMAIL: 'ann@example.com', GIT_COMMITTER_NAME: 'Bo Tagger', GIT_COMMITTER_EMAIL: 'bo@example.com', GIT_COMMITTER_DATE: '1700000123 +0530' };
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' }).trim();
    git('init', '-q');
    writeFileSync(join(dir, 'f'), 'x');
    git('add', 'f');
    git('commit', '-qm', 'c');
    const commit = git('rev-parse', 'HEAD');
    const long = `first line\n\n${'a long body line\n'.repeat(400)}`;
    git('tag', '-a', 'short', '-m', 'hello');
    git('tag', '-a', 'long', '-m', long);
    git('tag', '-a', 'nested', '-m', 'of a tag', 'short');
    git('tag', 'light');
    const expected = [
      { name: 'long', commit, tagger: { name: 'Bo Tagger', email: 'bo@example.com', timestamp: 1700000123, timezoneOffset: -330 }, message: `${long.trimEnd()}\n` },
      { name: 'nested', commit, tagger: { name: 'Bo Tagger', email: 'bo@example.com', timestamp: 1700000123, timezoneOffset: -330 }, message: 'of a tag\n' },
      { name: 'short', commit, tagger: { name: 'Bo Tagger', email: 'bo@example.com', timestamp: 1700000123, timezoneOffset: -330 }, message: 'hello\n' },
    ];
    const read = async () => (await listAnnotatedTags(dir, () => true)).map(({ oid: _oid, ...t }) => t).sort((a, b) => a.name.localeCompare(b.name));
    const cache = join(dir, '.git', 'pipe-tags.json');
    rmSync(cache, { force: true });
    expect(await read()).toEqual(expected);
    git('pack-refs', '--all');
    git('gc', '-q');
    rmSync(cache);
    expect(await read()).toEqual(expected);
    expect((await listAnnotatedTags(dir, (n) => n === 'short')).map((t) => [t.name, t.oid])).toEqual([['short', git('rev-parse', 'short')]]);
  });

  it('keeps what it read in .git/pipe-tags.json: a second listing reads no tag object, and an entry that is not well-formed is read again', async () => {
    const dir = tempDir('pipe-tags-');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Ann', '-c', 'user.email=ann@example.com', ...args], { cwd: dir, encoding: 'utf8' }).trim();
    git('init', '-q');
    writeFileSync(join(dir, 'f'), 'x');
    git('add', 'f');
    git('commit', '-qm', 'c');
    git('tag', '-a', 'one', '-m', 'first');
    git('tag', 'light');
    const cache = join(dir, '.git', 'pipe-tags.json');
    expect(existsSync(cache)).toBe(false);
    const first = await listAnnotatedTags(dir, () => true);
    const saved = JSON.parse(readFileSync(cache, 'utf8')) as { version: number; tags: Record<string, unknown> };
    expect(saved.version).toBe(1);
    expect(Object.keys(saved.tags).sort()).toEqual([git('rev-parse', 'light'), git('rev-parse', 'one')].sort());
    expect(saved.tags[git('rev-parse', 'light')]).toBeNull();

    // With the objects gone, the cache alone answers (proof that nothing is read again)…
    const oneOid = git('rev-parse', 'one');
    rmSync(join(dir, '.git', 'objects', oneOid.slice(0, 2), oneOid.slice(2)));
    expect(await listAnnotatedTags(dir, () => true)).toEqual(first);
    // …and an entry that is not what pipe writes is not trusted: the object is read (here: gone, so no tag).
    writeFileSync(cache, JSON.stringify({ version: 1, tags: { [oneOid]: ['not a commit', 'Ann', 'ann@example.com', 1, 0, 'x'] } }));
    expect(await listAnnotatedTags(dir, () => true)).toEqual([]);
    writeFileSync(cache, '{ not json');
    expect(await listAnnotatedTags(dir, () => true)).toEqual([]);
  });
});
