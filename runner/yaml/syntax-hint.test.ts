import { describe, expect, it } from 'vitest';
import { parseYamlSource } from './yaml-source.js';

/** The one issue a broken file gets, as `line:column: message`. */
function only(text: string, secret = false): string[] {
  return parseYamlSource('p.yaml', text, { secret }).syntaxIssues.map((i) => `${i.line}:${i.column}: ${i.message}`);
}

describe('YAML syntax errors in plain words', () => {
  it("reports one problem, not the parser's follow-on errors", () => {
    // The parser reports 3 errors for this one misplaced list item, and 4 for these tabs.
    expect(only('a: 1\n- b\n')).toEqual([expect.stringMatching(/^2:1: YAML syntax error: a list item \('- '\) where a 'key: value' entry is expected/)]);
    expect(only('stages:\n  train:\n    cmd: echo\n\tdeps: [a]\n\touts: [x]\n  eval:\n\tcmd: echo\n')).toEqual([
      '4:1: YAML syntax error: a tab indents this line; YAML indents with spaces only',
    ]);
  });

  it('points at the bracket or quote that is never closed, not where the parser gave up', () => {
    expect(only('stages:\n  train:\n    cmd: [echo\n    deps: x\n')).toEqual(["3:10: YAML syntax error: the '[' opened here is never closed with ']'"]);
    expect(only('a: {x: 1\nb: 2\n')).toEqual(["1:4: YAML syntax error: the '{' opened here is never closed with '}'"]);
    expect(only('{a: 1, b: [1, 2}\n')).toEqual(["1:11: YAML syntax error: the '[' opened here is never closed with ']'"]);
    expect(only('a: "abc\nb: 2\n')).toEqual(['1:4: YAML syntax error: the quote (") opened here is never closed']);
    expect(only("a: 1\nb: 'abc\n")).toEqual(["2:4: YAML syntax error: the quote (') opened here is never closed"]);
  });

  it("finds a missing space after ':', at the colon", () => {
    expect(only('stages:\n  train:\n    cmd:echo\n    deps: [x]\n')).toEqual(["3:8: YAML syntax error: a space is missing after ':' (write 'key: value')"]);
    expect(only('a: 1\ncmd:echo\n')).toEqual(["2:4: YAML syntax error: a space is missing after ':' (write 'key: value')"]);
  });

  it('names bad indentation', () => {
    expect(only('a:\n  b: 1\n c: 2\n')).toEqual([expect.stringMatching(/^3:1: YAML syntax error: this line is indented differently/)]);
    expect(only('deps:\n  - a\n - b\n')).toEqual([expect.stringMatching(/^3:\d+: YAML syntax error: .*indent/)]);
    expect(only('stages:\n  train:\n    cmd: echo\n      deps: [x]\n')).toEqual([expect.stringMatching(/^3:10: YAML syntax error: .*indented too far/)]);
  });

  it('copes with empty values and deep nesting around the unclosed quote or bracket (found by the fuzz suite)', () => {
    expect(only('a:\n  - {units: 1, a"x\nb: 10\n')).toHaveLength(1);
    expect(only('a: {b: , c: "x\n')).toHaveLength(1);
    expect(only(`a: ${'['.repeat(2000)}\nb: 1\n`)).toHaveLength(1);
  });

  it('words a secret file the same way, quoting none of its text', () => {
    for (const text of ['k: "SECRETVALUE\n', 'k: [SECRETVALUE\nx: 1\n', 'k:SECRETVALUE\nx: 1\n', 'k:\n\tSECRETVALUE: 1\n', 'k: 1\n- SECRETVALUE\n']) {
      const issues = only(text, true);
      expect(issues, text).toHaveLength(1);
      expect(issues[0]).toMatch(/^\d+:\d+: YAML syntax error: /);
      expect(issues[0]).not.toContain('SECRETVALUE');
    }
  });
});
