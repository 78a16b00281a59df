import { describe, expect, it } from 'vitest';
import { parseManifest, serializeManifest } from './manifest.js';

const hex = 'a'.repeat(64);
const e = (relpath: string) => ({ relpath, hash: hex, size: 1, exec: false });

describe('parseManifest', () => {
  it('accepts what serializeManifest writes, nested directories included', () => {
    const entries = [e('a/b'), e('a/c/d'), e('ab')];
    expect(parseManifest(serializeManifest(entries))).toEqual({ ok: true, entries });
  });

  it.each([
    ['{}', 'not a JSON array'],
    ['"x"', 'not a JSON array'],
    ['[', 'not JSON'],
    ['[null]', 'an entry is not an object'],
    [JSON.stringify([e('../x')]), 'relpath "../x" leaves its directory'],
    [JSON.stringify([e('a/./b')]), 'relpath "a/./b" leaves its directory'],
    [JSON.stringify([e('/etc/x')]), 'bad relpath "/etc/x"'],
    [JSON.stringify([{ ...e('a'), size: -1 }]), 'bad size for a'],
    [JSON.stringify([e('a'), e('a')]), 'relpath "a" is listed twice'],
    [JSON.stringify([e('a/b'), e('a/b/c')]), '"a/b" is both a file and the directory of "a/b/c"'],
  ])('refuses %s: %s', (text, problem) => {
    expect(parseManifest(text)).toEqual({ ok: false, problem });
  });
});
