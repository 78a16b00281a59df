import { describe, expect, it } from 'vitest';
import { closestName, didYouMean } from './did-you-mean.js';

describe('closestName', () => {
  it('finds the name a typo was meant to be: a letter added, dropped, changed, or two swapped', () => {
    expect(closestName('reproo', ['repro', 'status', 'push'])).toBe('repro');
    expect(closestName('outz', ['cmd', 'deps', 'outs', 'metrics'])).toBe('outs');
    expect(closestName('trian', ['ingest', 'train', 'evaluate'])).toBe('train');
    expect(closestName('evalute', ['ingest', 'train', 'evaluate'])).toBe('evaluate');
    expect(closestName('Train', ['train'])).toBe('train');
  });

  it('suggests nothing when no name is close', () => {
    expect(closestName('deploy', ['repro', 'status', 'push'])).toBeUndefined();
    expect(closestName('cmd', ['env', 'deps'])).toBeUndefined();
    expect(closestName('x', ['y'])).toBeUndefined();
    expect(closestName('anything', [])).toBeUndefined();
  });

  it('prefers the closest name, and the first of equally close ones', () => {
    expect(closestName('pul', ['push', 'pull'])).toBe('pull');
    expect(closestName('fo', ['fa', 'fb'])).toBe('fa');
  });
});

describe('didYouMean', () => {
  it('is a clause to append to a message, or nothing', () => {
    expect(didYouMean('outz', ['outs'])).toBe("; did you mean 'outs'?");
    expect(didYouMean('colour', ['outs'])).toBe('');
  });
});
