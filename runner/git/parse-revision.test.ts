import { describe, expect, it } from 'vitest';
import { isPipeError } from '../errors.js';
import { parseRevision } from './parse-revision.js';

describe('parseRevision', () => {
  it.each([
    ['HEAD', 'HEAD', []],
    ['main', 'main', []],
    ['origin/dev', 'origin/dev', []],
    ['refs/tags/v1.0', 'refs/tags/v1.0', []],
    ['3f2a9c1', '3f2a9c1', []],
    ['HEAD~', 'HEAD', [{ op: '~', n: 1 }]],
    ['HEAD~2', 'HEAD', [{ op: '~', n: 2 }]],
    ['HEAD^', 'HEAD', [{ op: '^', n: 1 }]],
    ['HEAD^^', 'HEAD', [{ op: '^', n: 1 }, { op: '^', n: 1 }]],
    ['main~3^2~1', 'main', [{ op: '~', n: 3 }, { op: '^', n: 2 }, { op: '~', n: 1 }]],
    ['HEAD^0', 'HEAD', [{ op: '^', n: 0 }]],
    ['v1.0^{}', 'v1.0', []],
    ['v1.0^{commit}~1', 'v1.0', [{ op: '~', n: 1 }]],
    ['@', 'HEAD', []],
    ['@~1', 'HEAD', [{ op: '~', n: 1 }]],
    ['HEAD~10', 'HEAD', [{ op: '~', n: 10 }]],
  ])('%s → base %s and its steps', (text, base, steps) => {
    expect(parseRevision(text)).toEqual({ base, steps });
  });

  it.each([
    ['', /empty revision/],
    ['~1', /nothing before/],
    ['main..dev', /a range is not a revision/],
    ['HEAD:metrics.json', /REV:PATH/],
    ['main@{2}', /reflog/],
    ['HEAD~x', /cannot read '~x'/],
    ['HEAD^{tree}', /cannot read '\^\{tree\}'/],
    ['my branch', /no spaces/],
  ])('refuses %j with REVISION_UNKNOWN', (text, message) => {
    let caught: unknown;
    try {
      parseRevision(text);
    } catch (err) {
      caught = err;
    }
    expect(isPipeError(caught, 'REVISION_UNKNOWN')).toBe(true);
    expect((caught as Error).message).toMatch(/^unknown revision '/);
    expect((caught as Error).message).toMatch(message);
    expect((caught as { data: unknown }).data).toMatchObject({ revision: text });
  });
});
