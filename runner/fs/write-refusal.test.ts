import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { refusalAdvice, writeRefusal } from './write-refusal.js';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});
const errno = (code: string) => Object.assign(new Error(code), { code });

describe('writeRefusal', () => {
  it('tells a full, read-only or unwritable disk by its errno code, whichever thread raised it', () => {
    const root = mkdtempSync(join(tmpdir(), 'pipe-refusal-'));
    made.push(root);
    expect(writeRefusal(errno('ENOSPC'), root)).toEqual({ errno: 'ENOSPC', kind: 'full', state: 'is full (ENOSPC)' });
    expect(writeRefusal(errno('EDQUOT'), root)?.kind).toBe('full');
    expect(writeRefusal(errno('EROFS'), root)).toEqual({ errno: 'EROFS', kind: 'read-only', state: 'is read-only (EROFS)' });
    expect(writeRefusal(errno('EACCES'), root)).toEqual({ errno: 'EACCES', kind: 'denied', state: 'is not writable by this user (EACCES)' });
    // A copy thread relays plain objects, not Errors: the code is what counts.
    expect(writeRefusal({ code: 'ENOSPC', message: 'x' }, root)?.kind).toBe('full');
    expect(writeRefusal(errno('EIO'), root)).toBeUndefined();
    expect(writeRefusal(new Error('no code'), root)).toBeUndefined();
    // ENOENT under a root that exists and is writable is a path that went away, not a refusal.
    expect(writeRefusal(errno('ENOENT'), root)).toBeUndefined();
  });

  it('says what to do for each kind', () => {
    expect(refusalAdvice({ errno: 'ENOSPC', kind: 'full', state: '' }, '/x', 'pipe gc')).toBe('free space on /x (pipe gc), then run the command again (what was already written is kept)');
    expect(refusalAdvice({ errno: 'EROFS', kind: 'read-only', state: '' }, '/x')).toMatch(/^make \/x writable/);
    expect(refusalAdvice({ errno: 'EACCES', kind: 'denied', state: '' }, '/x')).toMatch(/^give this user write access to \/x/);
  });
});
