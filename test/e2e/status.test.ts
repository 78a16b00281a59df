/** @module `pipe status` and `pipe status --json`: up to date or changed, with every reason; always exit 0; runs nothing. */
import { rmSync, utimesSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { countRun, makeRepo, removeRepos, template, type Repo, type StageSpec } from '../helpers/repo.js';

afterAll(removeRepos);

interface StatusJson {
  stages: { stage: string; state: string; reasons: { kind: string; message: string; path?: string; key?: string; from?: unknown; to?: unknown }[] }[];
}

const base: Record<string, StageSpec> = {
  prep: { cmd: `${countRun('prep')} && cp in.txt prep.txt`, deps: ['in.txt'], outs: ['prep.txt'] },
  train: {
    cmd: `${countRun('train')} && cp prep.txt model.txt && echo '{"auc": 0.9}' > metrics.json`,
    deps: ['prep.txt'],
    params: ['train.lr'],
    outs: ['model.txt'],
    metrics: ['metrics.json'],
  },
};

/** A copy of the base pipeline after one `pipe repro`. */
const ranBase = template(() => ranRepo());

async function ranRepo(stages: Record<string, StageSpec> = base): Promise<Repo> {
  const repo = makeRepo({ 'in.txt': 'in\n', 'extra.txt': 'extra\n', 'params.yaml': 'train:\n  lr: 0.01\n' });
  repo.stages(stages);
  const r = await repo.pipe(['repro']);
  expect(r.code, r.stderr).toBe(0);
  return repo;
}

async function status(repo: Repo): Promise<{ text: string; json: StatusJson }> {
  const [t, j] = [await repo.pipe(['status']), await repo.pipe(['status', '--json'])];
  expect(t.code, t.stderr).toBe(0);
  expect(j.code, j.stderr).toBe(0);
  return { text: t.stdout, json: JSON.parse(j.stdout) as StatusJson };
}

const entry = (json: StatusJson, stage: string) => json.stages.find((s) => s.stage === stage);

describe('status', () => {
  it('says up to date after a run, in text and JSON, and runs nothing', async () => {
    const repo = await ranBase();
    const lock = repo.lockBytes();
    const { text, json } = await status(repo);
    expect(text).toMatch(/^prep: up to date$/m);
    expect(text).toMatch(/^train: up to date$/m);
    expect(text).toMatch(/Everything is up to date/);
    expect(json.stages).toEqual([
      { stage: 'prep', state: 'up-to-date', reasons: [] },
      { stage: 'train', state: 'up-to-date', reasons: [] },
    ]);
    expect(repo.count('prep')).toBe(1);
    expect(repo.lockBytes()).toEqual(lock);
  });

  it('before any run, every stage is changed because it was never run (exit 0)', async () => {
    const repo = makeRepo({ 'in.txt': 'in\n', 'params.yaml': 'train:\n  lr: 0.01\n' });
    repo.stages(base);
    const { text, json } = await status(repo);
    expect(text).toMatch(/^prep: changed\n\s+it has no entry in data\.lock \(never run\)$/m);
    expect(entry(json, 'train')?.state).toBe('changed');
    expect(repo.count('prep')).toBe(0);
    expect(repo.exists('data.lock')).toBe(false);
  });

  it('cmd changed', async () => {
    const repo = await ranBase();
    repo.stages({ ...base, prep: { ...base.prep, cmd: 'cp in.txt prep.txt' } });
    const { text, json } = await status(repo);
    expect(text).toMatch(/^prep: changed\n\s+cmd changed$/m);
    expect(entry(json, 'prep')?.reasons).toContainEqual(expect.objectContaining({ kind: 'cmd-changed', message: 'cmd changed' }));
  });

  it('dep modified, and the downstream stage changed because of it', async () => {
    const repo = await ranBase();
    repo.write('in.txt', 'different\n');
    const { text, json } = await status(repo);
    expect(text).toMatch(/^prep: changed\n\s+dep in\.txt modified$/m);
    expect(text).toMatch(/^train: changed\n\s+upstream stage prep changed$/m);
    expect(entry(json, 'prep')?.reasons).toEqual([{ kind: 'dep-modified', path: 'in.txt', message: 'dep in.txt modified' }]);
  });

  it('dep added and dep removed', async () => {
    const repo = await ranBase();
    repo.stages({ ...base, prep: { ...base.prep, deps: ['extra.txt'] } });
    const { text, json } = await status(repo);
    expect(text).toMatch(/^\s+dep extra\.txt added$/m);
    expect(text).toMatch(/^\s+dep in\.txt removed$/m);
    const kinds = entry(json, 'prep')?.reasons.map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['dep-added', 'dep-removed']));
  });

  it('dep missing on disk', async () => {
    const repo = await ranBase();
    rmSync(repo.path('in.txt'));
    const { text } = await status(repo);
    expect(text).toMatch(/^prep: changed\n\s+dep in\.txt missing$/m);
  });

  it('param changed from a to b', async () => {
    const repo = await ranBase();
    repo.write('params.yaml', 'train:\n  lr: 0.02\n');
    const { text, json } = await status(repo);
    expect(text).toMatch(/^prep: up to date$/m);
    expect(text).toMatch(/^train: changed\n\s+param train\.lr changed from 0\.01 to 0\.02$/m);
    expect(entry(json, 'train')?.reasons).toEqual([
      { kind: 'param-changed', file: 'params.yaml', key: 'train.lr', from: 0.01, to: 0.02, message: 'param train.lr changed from 0.01 to 0.02' },
    ]);
  });

  it("tells YAML's .inf, -.inf and .nan apart, also once params.yaml and data.lock are old enough to be remembered parsed", async () => {
    const repo = await ranBase();
    /** Dates params.yaml and data.lock a minute back, so the parsed cache trusts their stats. */
    const age = () => {
      const when = new Date(Date.now() - 60_000);
      for (const f of ['params.yaml', 'data.lock']) utimesSync(repo.path(f), when, when);
    };
    repo.write('params.yaml', 'train:\n  lr: .inf\n');
    expect((await repo.pipe(['repro'])).code).toBe(0);
    age();
    for (let run = 0; run < 2; run++) expect((await status(repo)).text).toMatch(/^train: up to date$/m);
    repo.write('params.yaml', 'train:\n  lr: -.inf\n');
    age();
    expect((await status(repo)).text).toMatch(/^train: changed\n\s+param train\.lr changed from \.inf to -\.inf$/m);
    repo.write('params.yaml', 'train:\n  lr: .nan\n');
    age();
    expect((await status(repo)).text).toMatch(/^train: changed\n\s+param train\.lr changed from \.inf to \.nan$/m);
  });

  it('out missing and out modified (metrics included)', async () => {
    const repo = await ranBase();
    rmSync(repo.path('model.txt'));
    repo.write('metrics.json', '{"auc": 0.1}\n');
    const { text, json } = await status(repo);
    expect(text).toMatch(/^\s+out model\.txt missing$/m);
    expect(text).toMatch(/^\s+out metrics\.json modified$/m);
    expect(entry(json, 'train')?.state).toBe('changed');
    expect(entry(json, 'prep')?.state).toBe('up-to-date');
  });

  it('lists every reason of a stage, not only the first', async () => {
    const repo = await ranBase();
    repo.write('prep.txt', 'edited by hand\n');
    repo.write('params.yaml', 'train:\n  lr: 0.5\n');
    rmSync(repo.path('model.txt'));
    const { json } = await status(repo);
    const kinds = entry(json, 'train')?.reasons.map((r) => r.kind).sort();
    // prep.txt is prep's out too, so train is also changed because its upstream is.
    expect(kinds).toEqual(['dep-modified', 'out-missing', 'param-changed', 'upstream-changed']);
  });

  it('shows frozen and always_changed stages as such', async () => {
    const repo = await ranRepo({
      ...base,
      ice: { cmd: 'echo > ice.txt', outs: ['ice.txt'], frozen: true },
      always: { cmd: 'echo > always.txt', outs: ['always.txt'], always_changed: true },
    });
    const { text, json } = await status(repo);
    expect(text).toMatch(/^ice: frozen$/m);
    expect(text).toMatch(/^always: always changed$/m);
    expect(entry(json, 'ice')?.state).toBe('frozen');
    expect(entry(json, 'always')?.state).toBe('always-changed');
  });

  it('STAGE limits the listing to that stage and its upstream; an unknown one exits 2', async () => {
    const repo = await ranBase();
    const r = await repo.pipe(['status', 'prep']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^prep: up to date$/m);
    expect(r.stdout).not.toMatch(/^train:/m);
    const bad = await repo.pipe(['status', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown stage 'nope'/);
    const typo = await repo.pipe(['status', 'prpe']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe("error: unknown stage 'prpe'; did you mean 'prep'?\n");
  });

  it('a committed metrics or plots file that .gitignore hides is warned about by repro and status; cached outs are not', async () => {
    const repo = makeRepo({ 'in.txt': 'in\n', 'params.yaml': 'train:\n  lr: 0.01\n', '.gitignore': '*.json\n' });
    repo.stages({
      train: {
        cmd: `cp in.txt model.txt && echo '{"auc": 0.9}' > metrics.json && echo '[{"x": 1}]' > loss.json && echo ok > curve.csv`,
        deps: ['in.txt'],
        params: ['train.lr'],
        outs: ['model.txt'],
        metrics: ['metrics.json'],
        plots: ['loss.json', 'curve.csv'],
      },
    });
    const warning = (path: string, kind: string) =>
      `warning: ${kind} file ${path} (stage train, cache: false) is ignored by git (.gitignore:1: *.json), so it will not be committed: remove or narrow that line, or declare it with cache: true\n`;
    const run = await repo.pipe(['repro']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(warning('metrics.json', 'metrics'));
    expect(run.stderr).toContain(warning('loss.json', 'plots'));
    expect(run.stderr).not.toContain('curve.csv');
    expect(run.stderr).not.toContain('model.txt');
    const st = await repo.pipe(['status']);
    expect(st.code).toBe(0);
    expect(st.stderr).toBe(warning('metrics.json', 'metrics') + warning('loss.json', 'plots'));
    repo.write('.gitignore', '');
    expect((await repo.pipe(['status'])).stderr).toBe('');
  });
});
