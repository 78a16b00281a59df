import { describe, expect, it } from 'vitest';
import { type ParsedTag, bumpVersion, compareVersions, defaultTagMessage, formatTagName, parseModelReference, parseTagName } from './tag-name.js';

describe('registry tag names (GTO grammar)', () => {
  it.each([
    ['churn@v1.2.0', { artifact: 'churn', action: 'register', version: 'v1.2.0' }],
    ['churn@v1.2.0-rc.1+build.5', { artifact: 'churn', action: 'register', version: 'v1.2.0-rc.1+build.5' }],
    ['churn@v1.2.0#3', { artifact: 'churn', action: 'register', version: 'v1.2.0', counter: 3 }],
    ['churn@v1.2.0!', { artifact: 'churn', action: 'deregister', version: 'v1.2.0' }],
    ['churn#prod#7', { artifact: 'churn', action: 'assign', stage: 'prod', counter: 7 }],
    ['churn#prod', { artifact: 'churn', action: 'assign', stage: 'prod' }],
    ['churn#prod!#8', { artifact: 'churn', action: 'unassign', stage: 'prod', counter: 8 }],
    ['churn@deprecated#9', { artifact: 'churn', action: 'deprecate', counter: 9 }],
    ['models/sub=churn-2@v0.0.1', { artifact: 'models/sub:churn-2', action: 'register', version: 'v0.0.1' }],
  ] as [string, ParsedTag][])('%s', (tag, parsed) => {
    expect(parseTagName(tag)).toEqual(parsed);
    expect(formatTagName(parsed)).toBe(tag);
  });

  it.each(['v1.2.0', 'churn', 'churn@1.2.0', 'churn@v1.2', 'churn@v01.2.0', 'Churn@v1.0.0', 'churn-@v1.0.0', 'churn#Prod#1', 'churn#prod#x', 'release-2024', 'churn@v1.0.0-'])(
    'is not a registry tag: %s',
    (tag) => expect(parseTagName(tag)).toBeUndefined(),
  );

  it('writes GTO’s messages', () => {
    expect(defaultTagMessage({ artifact: 'churn', action: 'register', version: 'v1.2.0' })).toBe('Registering artifact churn version v1.2.0');
    expect(defaultTagMessage({ artifact: 'churn', action: 'assign', stage: 'prod', counter: 3 }, 'v1.2.0')).toBe('Assigning stage prod to artifact churn version v1.2.0');
    expect(defaultTagMessage({ artifact: 'churn', action: 'unassign', stage: 'prod', counter: 4 }, 'v1.2.0')).toBe("Unassigning stage 'prod' to artifact 'churn' version 'v1.2.0'");
    expect(defaultTagMessage({ artifact: 'churn', action: 'deprecate', counter: 5 })).toBe("Deprecating artifact 'churn'");
  });

  it('reads model references', () => {
    expect(parseModelReference('churn#prod')).toEqual({ artifact: 'churn', stage: 'prod' });
    expect(parseModelReference('churn@latest')).toEqual({ artifact: 'churn', version: 'latest' });
    expect(parseModelReference('churn@v1.2.0')).toEqual({ artifact: 'churn', version: 'v1.2.0' });
    expect(parseModelReference('models:churn@greatest')).toEqual({ artifact: 'models:churn', version: 'greatest' });
    expect(parseModelReference('main')).toBeUndefined();
    expect(parseModelReference('HEAD~1')).toBeUndefined();
  });

  it('orders versions by SemVer 2 precedence and bumps them', () => {
    const sorted = ['v1.0.0', 'v1.0.0-alpha', 'v1.0.0-alpha.1', 'v1.0.0-beta', 'v1.0.0-alpha.beta', 'v1.0.0-beta.11', 'v1.0.0-beta.2', 'v1.0.0-rc.1', 'v0.9.10', 'v0.10.0', 'v2.0.0'].sort(compareVersions);
    expect(sorted).toEqual(['v0.9.10', 'v0.10.0', 'v1.0.0-alpha', 'v1.0.0-alpha.1', 'v1.0.0-alpha.beta', 'v1.0.0-beta', 'v1.0.0-beta.2', 'v1.0.0-beta.11', 'v1.0.0-rc.1', 'v1.0.0', 'v2.0.0']);
    expect(compareVersions('v1.0.0+a', 'v1.0.0+b')).toBe(0);
    expect([bumpVersion('v1.2.3', 'major'), bumpVersion('v1.2.3', 'minor'), bumpVersion('v1.2.3', 'patch'), bumpVersion(undefined, 'patch')]).toEqual(['v2.0.0', 'v1.3.0', 'v1.2.4', 'v0.0.1']);
  });
});
