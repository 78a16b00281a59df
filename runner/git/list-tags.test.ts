import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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
    expect(await read()).toEqual(expected);
    git('pack-refs', '--all');
    git('gc', '-q');
    expect(await read()).toEqual(expected);
    expect((await listAnnotatedTags(dir, (n) => n === 'short')).map((t) => [t.name, t.oid])).toEqual([['short', git('rev-parse', 'short')]]);
  });
});
