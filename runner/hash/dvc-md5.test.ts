import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { dvcMd5 } from './dvc-md5.js';

describe('dvcMd5', () => {
  // Expected values computed with Python's hashlib and json.dumps(..., sort_keys=True), as dvc-data does.
  it('hashes a directory as DVC does: sorted relpaths, Python JSON (non-ASCII escaped), .dir suffix', async () => {
    const d = join(tempDir('pipe-md5-'), 'd');
    mkdirSync(join(d, 'sub'), { recursive: true });
    writeFileSync(join(d, 'é.txt'), 'x\n');
    writeFileSync(join(d, 'sub/a.bin'), 'y');
    writeFileSync(join(d, 'a-b.txt'), 'z');
    expect(await dvcMd5(d, 'md5')).toBe('28a2de2077064693c038666c1c4e0b71.dir');
  });

  it('hashes a file’s bytes (DVC 3), or a text file with LF line ends (DVC 2), and says when it is absent', async () => {
    const dir = tempDir('pipe-md5-');
    writeFileSync(join(dir, 'crlf.txt'), 'a\r\nb\r\n');
    expect(await dvcMd5(join(dir, 'crlf.txt'), 'md5')).toBe('59b0d7772f0561efb95518f3cb8abc60');
    expect(await dvcMd5(join(dir, 'crlf.txt'), 'md5-dos2unix')).toBe('dd8c6a395b5dd36c56d23275028f526c');
    writeFileSync(join(dir, 'bin'), Buffer.from([0, 13, 10]));
    expect(await dvcMd5(join(dir, 'bin'), 'md5-dos2unix')).toBe(await dvcMd5(join(dir, 'bin'), 'md5'));
    expect(await dvcMd5(join(dir, 'nope'), 'md5')).toBeUndefined();
  });
});
