import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readParams } from './params.js';

const dir = mkdtempSync(join(tmpdir(), 'pipe-params-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'params.yaml');
writeFileSync(file, 'train:\n  epochs: 3\n  lr: 0.01\n  hidden: [8, 4]\n  mode: balanced\n  bad: "x"\nflat: 1\n');

describe('readParams', () => {
  const p = readParams('train', file);

  it('reads checked values of a section', () => {
    expect(p.number('epochs', { min: 1, integer: true })).toBe(3);
    expect(p.number('lr', { min: 0 })).toBe(0.01);
    expect(p.integers('hidden', { min: 1 })).toEqual([8, 4]);
    expect(p.oneOf('mode', ['balanced', 'none'])).toBe('balanced');
  });

  it('names the key, what was expected and what was found', () => {
    expect(() => p.number('lr', { integer: true })).toThrow(`${file}: train.lr must be an integer, got 0.01`);
    expect(() => p.number('epochs', { min: 5, integer: true })).toThrow('train.epochs must be an integer ≥ 5, got 3');
    expect(() => p.number('bad')).toThrow('train.bad must be a number, got "x"');
    expect(() => p.number('absent')).toThrow('train.absent must be a number, got nothing');
    expect(() => p.integers('lr')).toThrow('train.lr must be a list of integers');
    expect(() => p.oneOf('mode', ['x', 'y'])).toThrow('train.mode must be one of x, y, got "balanced"');
  });

  it('fails on a missing section or file', () => {
    expect(() => readParams('flat', file)).toThrow('expected a mapping "flat:"');
    expect(() => readParams('train', join(dir, 'nope.yaml'))).toThrow(/cannot read/);
  });
});
