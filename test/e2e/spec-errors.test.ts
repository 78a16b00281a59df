/** @module pipeline.yaml / params.yaml mistakes: located (file:line:column, key), all at once, exit 2, nothing written. */
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { PipeResult } from '../helpers/pipe.js';
import { makeRepo, removeRepos, type Files, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

const PARAMS = 'train:\n  lr: 0.01\n';

/** Runs repro on a repo with these files and checks the common contract of a spec error. */
async function reproSpecError(files: Files): Promise<{ r: PipeResult; repo: Repo; errorLines: string[] }> {
  const repo = makeRepo(files);
  const before = readdirSync(repo.dir).sort();
  const r = await repo.pipe(['repro']);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  // Nothing is written on a spec error: no lock, no .pipe/, no .gitignore, no stage ran.
  expect(readdirSync(repo.dir).sort()).toEqual(before);
  const errorLines = r.stderr.split('\n').filter((l) => /^pipeline\.yaml:|^params\.yaml:/.test(l));
  return { r, repo, errorLines };
}

describe('spec errors', () => {
  it('an unknown field in a stage names file:line:column, the key and the allowed fields', async () => {
    const { errorLines } = await reproSpecError({
      'pipeline.yaml': ['stages:', '  train:', '    cmd: echo hi', '    depz: [a.txt]', ''].join('\n'),
    });
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/^pipeline\.yaml:4:5: stages\.train\.depz: unknown field 'depz'.*deps/);
  });

  it('a mistyped field suggests the one meant, in a stage, at the top level, in a plot and in a gate rule', async () => {
    const { errorLines } = await reproSpecError({
      'pipeline.yaml': [
        'stages:',
        '  train:',
        '    cmd: echo hi',
        '    outz: [model.bin]', // 4
        '    plots:',
        '      - loss.json: {titel: Loss}', // 6
        'gatez: []', // 7
        'gates:',
        '  - metric: auc',
        '    minn: 0.8', // 10
        '    max: 1',
        '',
      ].join('\n'),
    });
    expect(errorLines.sort()).toEqual([
      "pipeline.yaml:10:5: gates[0].minn: unknown field 'minn' in gate rule 1; did you mean 'min'?",
      "pipeline.yaml:4:5: stages.train.outz: unknown field 'outz' in stage 'train'; did you mean 'outs'?",
      "pipeline.yaml:6:21: stages.train.plots[0].loss.json.titel: unknown field 'titel' of plot 'loss.json' in stage 'train'; did you mean 'title'?",
      "pipeline.yaml:7:1: gatez: unknown field 'gatez' at the top level; did you mean 'gates'?",
    ]);
  });

  it('a wrong type (cmd: 5) names the location, the key and what was expected', async () => {
    const { errorLines } = await reproSpecError({
      'pipeline.yaml': ['stages:', '  train:', '    cmd: 5', ''].join('\n'),
    });
    expect(errorLines).toEqual([expect.stringMatching(/^pipeline\.yaml:3:10: stages\.train\.cmd: must be a string or a list/)]);
  });

  it('a missing cmd names the stage and the missing field', async () => {
    const { errorLines } = await reproSpecError({
      'pipeline.yaml': ['stages:', '  train:', '    deps: [a.txt]', ''].join('\n'),
    });
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/^pipeline\.yaml:[23]:\d+: stages\.train: missing required field 'cmd'/);
  });

  it('an unknown params key names params.yaml and the key', async () => {
    const { errorLines } = await reproSpecError({
      'params.yaml': PARAMS,
      'pipeline.yaml': ['stages:', '  train:', '    cmd: echo hi', '    params: [train.epochs]', ''].join('\n'),
    });
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/^pipeline\.yaml:4:\d+: stages\.train\.params(\[0\])?: .*'train\.epochs'.*params\.yaml/);
  });

  it('a missing params.yaml is named', async () => {
    const { errorLines } = await reproSpecError({
      'pipeline.yaml': ['stages:', '  train:', '    cmd: echo hi', '    params: [train.lr]', ''].join('\n'),
    });
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/^pipeline\.yaml:4:\d+: stages\.train\.params(\[0\])?: .*params\.yaml.*does not exist/);
  });

  it('paths escaping the repository (../x and /abs) are refused, each located', async () => {
    const { errorLines } = await reproSpecError({
      'pipeline.yaml': ['stages:', '  train:', '    cmd: echo hi', '    deps: [../x]', '    outs: [/abs/out]', ''].join('\n'),
    });
    expect(errorLines).toHaveLength(2);
    expect(errorLines).toContainEqual(expect.stringMatching(/^pipeline\.yaml:4:12: stages\.train\.deps\[0\]: path '\.\.\/x' escapes the repository/));
    expect(errorLines).toContainEqual(expect.stringMatching(/^pipeline\.yaml:5:12: stages\.train\.outs\[0\]: path '\/abs\/out' is absolute/));
  });

  it('a path escaping through wdir is refused too', async () => {
    const { errorLines } = await reproSpecError({
      'pipeline.yaml': ['stages:', '  train:', '    cmd: echo hi', '    wdir: sub', '    deps: [../../x]', ''].join('\n'),
    });
    expect(errorLines).toEqual([expect.stringMatching(/^pipeline\.yaml:5:\d+: stages\.train\.deps\[0\]: .*escapes the repository/)]);
  });

  it('a duplicate stage name (YAML duplicate key) names the key and its second line', async () => {
    const { errorLines } = await reproSpecError({
      'pipeline.yaml': ['stages:', '  train:', '    cmd: echo 1', '  train:', '    cmd: echo 2', ''].join('\n'),
    });
    expect(errorLines).toEqual([expect.stringMatching(/^pipeline\.yaml:4:3: .*duplicate key 'train'/)]);
  });

  it('a YAML syntax error is located', async () => {
    const { errorLines } = await reproSpecError({
      'pipeline.yaml': ['stages:', '  train:', '    cmd: [echo', '    deps: x', ''].join('\n'),
    });
    expect(errorLines.length).toBeGreaterThanOrEqual(1);
    expect(errorLines[0]).toMatch(/^pipeline\.yaml:\d+:\d+: /);
  });

  it('a YAML syntax error in any file pipe reads is one located problem in plain words, quoting nothing of config.local.yaml', async () => {
    const pipeline = 'stages:\n  train:\n    cmd: echo hi\n    params: [train.lr]\n';
    const cases: { files: Files; args: string[]; line: RegExp }[] = [
      // The parser reports 4 errors for these tabs, in its own words.
      { files: { 'params.yaml': PARAMS, 'pipeline.yaml': 'stages:\n  train:\n\tcmd: echo\n\tdeps: [a]\n' }, args: ['repro'], line: /^pipeline\.yaml:3:1: YAML syntax error: a tab indents this line; YAML indents with spaces only$/ },
      { files: { 'params.yaml': 'train:\n  lr: [0.01\nother: 1\n', 'pipeline.yaml': pipeline }, args: ['status'], line: /^params\.yaml:2:7: YAML syntax error: the '\[' opened here is never closed with '\]'$/ },
      { files: { 'params.yaml': PARAMS, 'pipeline.yaml': pipeline, 'data.lock': 'schema: 1\nstages:\n  train:\n    cmd:echo hi\n    deps: []\n' }, args: ['status'], line: /^error: data\.lock:4:8: YAML syntax error: a space is missing after ':'/ },
      { files: { 'pipeline.yaml': 'stages: {}\n', '.pipe/config.yaml': 'remotes:\n  x:\n    url: /tmp/x\n   region: eu\n' }, args: ['remote', 'list'], line: /^\.pipe\/config\.yaml:4:\d+: YAML syntax error: .*indent/ },
      { files: { 'pipeline.yaml': 'stages: {}\n', '.pipe/config.local.yaml': 'remotes:\n  x:\n    secret_access_key: "SECRETVALUE\n' }, args: ['remote', 'list'], line: /^\.pipe\/config\.local\.yaml:3:24: YAML syntax error: the quote \("\) opened here is never closed$/ },
    ];
    for (const { files, args, line } of cases) {
      const repo = makeRepo(files);
      const r = await repo.pipe(args);
      expect(r.code, r.stderr).toBe(2);
      const located = r.stderr.split('\n').filter((l) => /^(error: )?[\w./-]+:\d+:\d+: /.test(l));
      expect(located, r.stderr).toEqual([expect.stringMatching(line)]);
      expect(r.stderr).not.toMatch(/Implicit|Flow sequence|Tabs are not|SECRETVALUE/);
    }
  });

  it('a syntax error in params.yaml is located in params.yaml', async () => {
    const { errorLines } = await reproSpecError({
      'params.yaml': 'train:\n  lr: [0.01\n',
      'pipeline.yaml': ['stages:', '  train:', '    cmd: echo hi', '    params: [train.lr]', ''].join('\n'),
    });
    expect(errorLines[0]).toMatch(/^params\.yaml:\d+:\d+: /);
  });

  it('three different errors in one file are all reported in one run', async () => {
    const { r, errorLines } = await reproSpecError({
      'params.yaml': PARAMS,
      'pipeline.yaml': [
        'stages:',
        '  prep:',
        '    cmd: echo hi',
        '    colour: blue', // 4: unknown field
        '  train:',
        '    cmd: 5', // 6: wrong type
        '  evaluate:',
        '    cmd: echo hi',
        '    params: [train.momentum]', // 9: unknown params key
        '',
      ].join('\n'),
    });
    expect(r.stderr).toContain('3 problems');
    expect(errorLines).toHaveLength(3);
    expect(errorLines).toContainEqual(expect.stringMatching(/^pipeline\.yaml:4:5: stages\.prep\.colour: unknown field/));
    expect(errorLines).toContainEqual(expect.stringMatching(/^pipeline\.yaml:6:10: stages\.train\.cmd: must be/));
    expect(errorLines).toContainEqual(expect.stringMatching(/^pipeline\.yaml:9:\d+: stages\.evaluate\.params(\[0\])?: .*train\.momentum/));
  });

  it('errors in the same stage are all reported, not only the most deeply nested one', async () => {
    const { errorLines } = await reproSpecError({
      'pipeline.yaml': ['stages:', '  train:', '    cmd: 5', '    colour: blue', ''].join('\n'),
    });
    expect(errorLines).toContainEqual(expect.stringMatching(/^pipeline\.yaml:3:10: stages\.train\.cmd: must be/));
    expect(errorLines).toContainEqual(expect.stringMatching(/^pipeline\.yaml:4:5: stages\.train\.colour: unknown field/));
  });

  it('an unknown top-level key is reported together with errors inside stages', async () => {
    const { errorLines } = await reproSpecError({
      'pipeline.yaml': ['stagez: {}', 'stages:', '  train:', '    cmd: 5', ''].join('\n'),
    });
    expect(errorLines).toContainEqual(expect.stringMatching(/^pipeline\.yaml:1:1: stagez: unknown field 'stagez'/));
    expect(errorLines).toContainEqual(expect.stringMatching(/^pipeline\.yaml:4:10: stages\.train\.cmd: must be/));
  });

  it('pipe status and pipe dag report spec errors the same way (exit 2)', async () => {
    const repo = makeRepo({ 'pipeline.yaml': ['stages:', '  train:', '    cmd: 5', ''].join('\n') });
    for (const cmd of ['status', 'dag']) {
      const r = await repo.pipe([cmd]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^pipeline\.yaml:3:10: stages\.train\.cmd: must be/m);
    }
  });
});
