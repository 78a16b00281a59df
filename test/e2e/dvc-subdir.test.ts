/**
 * @module dvc.yaml files in subdirectories (a DVC monorepo): their stages run as DVC addresses
 * them (`sub/dvc.yaml:train`), with paths, params.yaml and vars files relative to their
 * directory, the dvc.lock beside each one taken over, and one DAG across the files.
 */
import { readdirSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeRepos, ok, type Repo } from '../helpers/repo.js';
import { runPipe } from '../helpers/pipe.js';
import { MONOREPO_STAGES, dvcMonorepo } from '../helpers/dvc-monorepo.js';
import { writeDvcObjects } from '../helpers/dvc-project.js';
import { MANY_RUNS } from '../helpers/timeouts.js';

afterAll(removeRepos);

/** The stages that ran (each appends to .counts/<name>). */
function runs(repo: Repo): string[] {
  return repo.exists('.counts') ? readdirSync(repo.path('.counts')).sort() : [];
}

/** Every file and directory of the workspace (not .git) modified a minute ago. */
function backdate(dir: string): void {
  const t = new Date(Date.now() - 60_000);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === '.git') continue;
    if (e.isDirectory()) backdate(join(dir, e.name));
    utimesSync(join(dir, e.name), t, t);
  }
  utimesSync(dir, t, t);
}

describe('dvc.yaml files in subdirectories', () => {
  it('are up to date as DVC left them (each dvc.lock beside its dvc.yaml), then re-run exactly what a change in sub/params.yaml affects', MANY_RUNS, async () => {
    const repo = dvcMonorepo();
    await ok(repo, ['repro']);
    expect(runs(repo)).toEqual([]);
    const status = await ok(repo, ['status']);
    for (const s of MONOREPO_STAGES) expect(status.stdout).toMatch(new RegExp(`^${s.replace(/[.@]/g, '\\$&')}: up to date$`, 'm'));
    const lock = repo.lock();
    expect(Object.keys(lock.stages).sort()).toEqual([...MONOREPO_STAGES].sort());
    // Paths and params files are repository paths; the value read through ${} is a param.
    expect(lock.stages['sub/dvc.yaml:train']?.deps.map((d) => d.path)).toEqual(['data/clean.txt']);
    expect(lock.stages['sub/dvc.yaml:train']?.params).toEqual({ 'sub/params.yaml': { 'train.lr': 0.1 } });
    expect(lock.stages['sub/dvc.yaml:eval@b']?.outs.map((o) => o.path)).toEqual(['sub/eval-b.txt']);

    repo.write('sub/params.yaml', 'train:\n  lr: 0.2\nthreshold: 0.5\n');
    await ok(repo, ['repro']);
    // The sub stage reads its own params.yaml (not the root's, which does not exist) and runs in sub/.
    expect(runs(repo)).toEqual(['sub-eval-a', 'sub-eval-b', 'sub-train', 'summary']);
    expect(repo.read('sub/model.txt')).toBe('clean\nlr=0.2\n');
    expect(repo.read('summary.txt')).toBe('clean\nlr=0.2\n');
    expect(repo.lock().stages['sub/dvc.yaml:train']?.params).toEqual({ 'sub/params.yaml': { 'train.lr': 0.2 } });
    // DVC's files are DVC's: pipe never writes dvc.lock.
    expect(repo.read('sub/dvc.lock')).toMatch(/train\.lr: 0\.1/);
  });

  it('selects stages by DVC’s addresses: sub/dvc.yaml:train, a foreach group in a file, and a whole file', MANY_RUNS, async () => {
    const repo = dvcMonorepo();
    await ok(repo, ['repro']);
    await ok(repo, ['repro', '-f', '-s', 'sub/dvc.yaml:train']);
    expect(runs(repo)).toEqual(['sub-train']);
    await ok(repo, ['repro', '-f', '-s', 'sub/dvc.yaml:eval']);
    expect(runs(repo)).toEqual(['sub-eval-a', 'sub-eval-b', 'sub-train']);
    const dry = await ok(repo, ['repro', '-f', '-s', '--dry', 'sub/dvc.yaml']);
    expect(dry.stdout).toMatch(/sub\/dvc\.yaml:train/);
    expect(dry.stdout).not.toMatch(/^prep|summary/m);
    const unknown = await repo.pipe(['repro', 'sub/dvc.yaml:nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/sub\/dvc\.yaml:nope/);
  });

  it('picks up a dvc.yaml added in a new directory after a no-op run (the remembered search is not trusted), and drops one removed', MANY_RUNS, async () => {
    const repo = dvcMonorepo();
    await ok(repo, ['repro']);
    // Old enough to be remembered (a file changed within the last second is not trusted).
    backdate(repo.dir);
    await ok(repo, ['status']);
    repo.write('sub2/dvc.yaml', 'stages:\n  hello:\n    cmd: mkdir -p ../.counts && echo run >> ../.counts/sub2-hello && echo hi > hello.txt\n    outs: [hello.txt]\n');
    await ok(repo, ['repro']);
    expect(runs(repo)).toEqual(['sub2-hello']);
    expect(repo.read('sub2/hello.txt')).toBe('hi\n');
    expect((await ok(repo, ['status'])).stdout).toMatch(/^sub2\/dvc\.yaml:hello: up to date$/m);
    backdate(repo.dir);
    await ok(repo, ['status']);
    repo.write('sub2/deeper/dvc.yaml', 'stages:\n  again:\n    cmd: echo again > again.txt\n    outs: [again.txt]\n');
    expect((await ok(repo, ['status'])).stdout).toMatch(/^sub2\/deeper\/dvc\.yaml:again: changed$/m);
    backdate(repo.dir);
    await ok(repo, ['status']);
    rmSync(repo.path('sub2/deeper/dvc.yaml'));
    expect((await ok(repo, ['status'])).stdout).not.toMatch(/deeper/);
  });

  it('fails on a path that leaves the repository, at sub/dvc.yaml:line:col', async () => {
    const repo = dvcMonorepo();
    repo.write('sub/dvc.yaml', 'stages:\n  bad:\n    cmd: echo\n    deps:\n      - ../../outside.txt\n');
    const r = await repo.pipe(['status']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sub\/dvc\.yaml:5:9: .*'\.\.\/\.\.\/outside\.txt' escapes the repository/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('refuses two stages in different files writing one out, naming both', async () => {
    const repo = dvcMonorepo();
    repo.write('other/dvc.yaml', 'stages:\n  clash:\n    cmd: echo\n    outs:\n      - ../data/clean.txt\n');
    const r = await repo.pipe(['status']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/out 'data\/clean\.txt' is declared by both stage 'prep' and stage 'other\/dvc\.yaml:clash'/);
  });

  it('does not read a dvc.yaml in a git-ignored directory', async () => {
    const repo = dvcMonorepo();
    repo.write('.gitignore', '/scratch/\n');
    repo.write('scratch/dvc.yaml', 'stages:\n  x:\n    cmd: [broken\n');
    const r = await ok(repo, ['status']);
    expect(r.stdout).not.toMatch(/scratch/);
  });

  it('pipe import dvc refuses a sub dvc.yaml whose ${} reads its own params.yaml or vars files, naming it, and writes nothing', async () => {
    const repo = dvcMonorepo();
    const r = await repo.pipe(['import', 'dvc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sub\/dvc\.yaml: its \$\{\} reads values from its own params\.yaml or vars files/);
    expect(repo.exists('pipeline.yaml')).toBe(false);
    expect(repo.exists('data.lock')).toBe(false);
  });

  it('pipe import dvc carries a sub dvc.yaml into pipeline.yaml (names, wdir and paths rewritten, foreach expanded): up to date, and a sub param change re-runs its stages', MANY_RUNS, async () => {
    const repo = dvcMonorepo();
    // The same file with nothing read from files by ${}: the value written in, the param declared.
    const sub = repo
      .read('sub/dvc.yaml')
      .replace('vars:\n  - vars.yaml\n', '')
      .replace('echo lr=${train.lr}', 'echo lr=0.1')
      .replace('      - ../data/clean.txt\n', '      - ../data/clean.txt\n    params:\n      - train.lr\n')
      .replace('foreach: ${models}', 'foreach: [a, b]');
    repo.write('sub/dvc.yaml', sub);
    // DVC's cache holds the outs, as `dvc repro` left it: import carries them into pipe's.
    for (const out of ['data/clean.txt', 'sub/model.txt', 'sub/eval-a.txt', 'sub/eval-b.txt', 'summary.txt']) writeDvcObjects(repo, out);
    const r = await ok(repo, ['import', 'dvc']);
    expect(r.stdout + r.stderr).not.toMatch(/will run/);
    const text = repo.read('pipeline.yaml');
    expect(text).toMatch(/^ {2}sub\/dvc\.yaml:train:\n {4}cmd: .*echo lr=0\.1 >> model\.txt\n {4}wdir: sub\n {4}deps:\n {6}- \.\.\/data\/clean\.txt\n {4}params:\n {6}- train\.lr\n/m);
    expect(text).toMatch(/^ {2}sub\/dvc\.yaml:eval@b:$/m);
    expect(text).toMatch(/# From sub\/dvc\.yaml/);
    expect(repo.read('sub/dvc.yaml')).toBe(sub);
    const status = await ok(repo, ['status']);
    for (const s of MONOREPO_STAGES) expect(status.stdout).toMatch(new RegExp(`^${s.replace(/[.@]/g, '\\$&')}: up to date$`, 'm'));
    await ok(repo, ['repro']);
    expect(runs(repo)).toEqual([]);
    repo.write('sub/params.yaml', 'train:\n  lr: 0.1\nthreshold: 0.7\n');
    await ok(repo, ['repro']);
    expect(runs(repo)).toEqual(['sub-eval-a', 'sub-eval-b']);
    // Imported again unchanged: nothing to write.
    expect((await ok(repo, ['import', 'dvc'])).stdout).toMatch(/pipeline\.yaml: unchanged/);
  });

  it('with a pipeline.yaml at the root of a DVC project, names the sub dvc.yaml files it does not read (once), until they are imported', async () => {
    const repo = dvcMonorepo();
    repo.write('.dvc/config', '');
    repo.write('pipeline.yaml', 'stages:\n  only:\n    cmd: mkdir -p .counts && echo run >> .counts/only\n');
    repo.write('sub2/dvc.yaml', 'stages:\n  x:\n    cmd: echo\n');
    const r = await ok(repo, ['repro']);
    expect(runs(repo)).toEqual(['only']);
    expect(r.stderr.match(/warning: sub\/dvc\.yaml, sub2\/dvc\.yaml are not read: pipeline\.yaml is the pipeline/g)).toHaveLength(1);
    expect((await ok(repo, ['status'])).stderr).toMatch(/warning: sub\/dvc\.yaml, sub2\/dvc\.yaml are not read.*'pipe import dvc'/);
    // A stage pipeline.yaml has under the file's address counts as carried in.
    repo.write('pipeline.yaml', `${repo.read('pipeline.yaml')}  sub2/dvc.yaml:x:\n    cmd: echo\n    wdir: sub2\n`);
    expect((await ok(repo, ['status'])).stderr).toMatch(/warning: sub\/dvc\.yaml is not read/);
  });

  it('finds the root of a DVC monorepo (its .dvc/) with no root dvc.yaml, from the root or from inside a sub-project', async () => {
    const repo = dvcMonorepo();
    rmSync(repo.path('dvc.yaml'));
    rmSync(repo.path('dvc.lock'));
    repo.write('sub/dvc.yaml', repo.read('sub/dvc.yaml').replace('../data/clean.txt', 'params.yaml'));
    repo.write('.dvc/config', '');
    for (const cwd of [repo.dir, repo.path('sub')]) {
      const r = await runPipe(cwd, ['status']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^sub\/dvc\.yaml:train: changed$/m);
    }
    expect(repo.exists('sub/.pipe')).toBe(false);
  });
});
