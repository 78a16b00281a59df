/** @module `pipe exp` and `pipe queue`: experiments run in temporary worktrees on the shared cache, kept as refs/exps/…, listed, compared, applied, queued and swept. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commitAll, git } from '../helpers/git.js';
import { makeRepo, ok, removeRepos, Repo, template, type DataLock } from '../helpers/repo.js';
import { tempDir } from '../helpers/temp-dir.js';
import { MANY_RUNS } from '../helpers/timeouts.js';
import { waitUntil } from '../helpers/wait-until.js';

afterAll(removeRepos);

/**
 * The train stage: records `start ID` and `end ID` in $EXP_LOG (outside every worktree: it counts
 * runs and shows overlap), and, when $EXP_WAIT (the sweep's size) is set, waits (a hang bound of
 * 240 s) for another experiment's stage to be running before it ends, unless all have started, so
 * that two that run at once leave start, start, end, end.
 */
const TRAIN = `
import { appendFileSync, copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
const text = readFileSync('params.yaml', 'utf8');
const lr = Number(/lr: (.*)/.exec(text)[1]);
const hidden = /hidden: (.*)/.exec(text)[1].trim();
const id = lr + '/' + hidden.replace(/\\s/g, '');
const log = process.env.EXP_LOG;
appendFileSync(log, 'start ' + id + '\\n');
if (process.env.EXP_HOLD) appendFileSync(log, 'hold ' + process.pid + '\\n');
while (process.env.EXP_HOLD && !existsSync(process.env.EXP_HOLD)) await new Promise((r) => setTimeout(r, 50));
if (process.env.EXP_WAIT) {
  const others = () => {
    const lines = readFileSync(log, 'utf8').split('\\n');
    const open = new Set();
    for (const l of lines) {
      const [what, who] = l.split(' ');
      if (what === 'start') open.add(who);
      if (what === 'end') open.delete(who);
    }
    open.delete(id);
    return open.size > 0;
  };
  // The last of EXP_WAIT experiments has nobody left to wait for.
  const allStarted = () => readFileSync(log, 'utf8').split('\\n').filter((l) => l.startsWith('start')).length >= Number(process.env.EXP_WAIT);
  const until = Date.now() + 240_000;
  while (!others() && !allStarted() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}
writeFileSync('metrics.json', JSON.stringify({ score: lr * 2, width: hidden.length }) + '\\n');
copyFileSync('data.txt', 'model.txt');
appendFileSync(log, 'end ' + id + '\\n');
`;

const PARAMS = '# training\ntrain:\n  lr: 0.1\n  hidden: [16]\n';

/** A committed repository where repro ran once: prep → data.txt (cached), train → model.txt + metrics.json. */
const baseRepo = template(async () => {
  const repo = makeRepo({ 'params.yaml': PARAMS, 'train.mjs': TRAIN });
  repo.stages({
    prep: { cmd: 'echo data > data.txt', outs: ['data.txt'] },
    train: { cmd: 'node train.mjs', deps: ['data.txt', 'train.mjs'], params: ['train.lr', 'train.hidden'], outs: ['model.txt'], metrics: ['metrics.json'] },
  });
  const log = join(tempDir('pipe-exp-log-'), 'log');
  await ok(repo, ['repro'], { EXP_LOG: log });
  commitAll(repo, 'baseline');
  return repo;
});

interface Setup {
  repo: Repo;
  log: string;
  env: Record<string, string>;
}

async function setup(): Promise<Setup> {
  const repo = await baseRepo();
  const log = join(tempDir('pipe-exp-log-'), 'log');
  return { repo, log, env: { EXP_LOG: log } };
}

function logLines(log: string): string[] {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

/** One experiment queued and `pipe queue start` running it, its stage held (EXP_HOLD) until `hold` exists; `stage` is the stage's pid. */
async function heldQueueStart(set: string, name: string) {
  const { repo, log, env } = await setup();
  await ok(repo, ['exp', 'run', '--queue', '-S', set, '--name', name], env);
  const hold = join(tempDir('pipe-exp-hold-'), 'go');
  const first = repo.start(['queue', 'start'], { env: { ...env, EXP_HOLD: hold } });
  await waitUntil(() => logLines(log).length === 2, 'the stage to start');
  return { repo, log, env, hold, first, stage: Number(logLines(log)[1]?.split(' ')[1]) };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function expRefs(repo: Repo): string[] {
  return git(repo, 'for-each-ref', '--format=%(refname)', 'refs/exps/').split('\n').filter(Boolean);
}

describe('pipe exp run', () => {
  it('runs in a temporary worktree, leaves the workspace as it was, and keeps params, data.lock and metrics in refs/exps/<baseline>/<name>', MANY_RUNS, async () => {
    const { repo, log, env } = await setup();
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    const before = { params: repo.read('params.yaml'), lock: repo.read('data.lock'), metrics: repo.read('metrics.json'), model: repo.read('model.txt') };

    const r = await ok(repo, ['exp', 'run', '-S', 'train.lr=0.3', '--name', 'lr3'], env);
    expect(r.stdout).toMatch(/Experiment 'lr3' \(train\.lr=0\.3\): 1 stage ran; ref refs\/exps\/[0-9a-f]{40}\/lr3/);
    expect(logLines(log)).toEqual(['start 0.3/[16]', 'end 0.3/[16]']);

    // The workspace: untouched, and git sees nothing new.
    expect(repo.read('params.yaml')).toBe(before.params);
    expect(repo.read('data.lock')).toBe(before.lock);
    expect(repo.read('metrics.json')).toBe(before.metrics);
    expect(repo.read('model.txt')).toBe(before.model);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1);

    // The ref: a commit on the baseline with the experiment's files.
    const ref = `refs/exps/${head}/lr3`;
    expect(expRefs(repo)).toEqual([ref]);
    expect(git(repo, 'rev-parse', `${ref}^`).trim()).toBe(head);
    expect(git(repo, 'show', `${ref}:params.yaml`)).toBe('# training\ntrain:\n  lr: 0.3\n  hidden: [16]\n');
    expect(JSON.parse(git(repo, 'show', `${ref}:metrics.json`))).toEqual({ score: 0.6, width: 4 });
    const lock = parse(git(repo, 'show', `${ref}:data.lock`)) as DataLock;
    expect(lock.stages.train?.params).toEqual({ 'params.yaml': { 'train.hidden': [16], 'train.lr': 0.3 } });
    expect(git(repo, 'diff', '--name-only', head, ref).split('\n').filter(Boolean).sort()).toEqual(['data.lock', 'metrics.json', 'params.yaml']);

    // exp show: the baseline and the experiment, with the param it changed and the metric.
    const show = await ok(repo, ['exp', 'show', '--csv']);
    expect(show.stdout).toMatch(/^Experiment,Created,score,width,train\.lr\n/);
    const rows = show.stdout.trim().split('\n').slice(1).map((l) => l.split(','));
    expect(rows.map((c) => [c[0], c[2], c[4]])).toEqual([
      [expect.stringMatching(/\(/), '0.2', '0.1'],
      ['lr3', '0.6', '0.3'],
    ]);

    // pipe report --exp: the same table, in Markdown, as a section of the report.
    const report = await ok(repo, ['report', '--exp', '--no-plots']);
    expect(report.stdout).toMatch(/^## Experiments\n\n1 experiment of this commit/m);
    expect(report.stdout).toMatch(/^\| lr3 \| [^|]+ \| 0\.6 \| 4 \| 0\.3 \|$/m);

    // A taken name is refused before anything runs; --force replaces it.
    const again = await repo.pipe(['exp', 'run', '-S', 'train.lr=0.4', '--name', 'lr3'], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/an experiment named 'lr3' exists for baseline [0-9a-f]{7}.*--force/);
    expect(logLines(log)).toHaveLength(2);
    await ok(repo, ['exp', 'run', '-S', 'train.lr=0.4', '--name', 'lr3', '--force'], env);
    expect(JSON.parse(git(repo, 'show', `${ref}:metrics.json`))).toEqual({ score: 0.8, width: 4 });
  });

  it('refuses a bad -S with exit 2, naming the file, the key or the value, and runs nothing', MANY_RUNS, async () => {
    const { repo, log, env } = await setup();
    const cases: [string, RegExp][] = [
      ['other.yaml:train.lr=1', /-S 'other\.yaml:train\.lr=1': no params file 'other\.yaml'/],
      ['train.rate=1', /params\.yaml has no key 'train\.rate'/],
      ['train.lr', /-S 'train\.lr': no '=' between the key and its value/],
      ['train.lr=', /-S 'train\.lr=': no value after =/],
      ['train.lr=1,,2', /an empty value between commas/],
      ['train.hidden=[32', /an unclosed bracket/],
    ];
    for (const [set, message] of cases) {
      const r = await repo.pipe(['exp', 'run', '-S', set], { env });
      expect(r.code, `${set}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(logLines(log)).toEqual([]);
    expect(expRefs(repo)).toEqual([]);
  });
});

describe('pipe exp diff, apply, branch, remove', () => {
  it('compares, applies into the workspace, branches from and removes experiments', MANY_RUNS, async () => {
    const { repo, log, env } = await setup();
    const r = await ok(repo, ['exp', 'run', '-S', 'train.lr=0.3,0.5', '--name', 't'], env);
    expect(r.stdout).toMatch(/Experiment 't-1' \(train\.lr=0\.3\)/);
    expect(r.stdout).toMatch(/Experiment 't-2' \(train\.lr=0\.5\)/);
    expect(logLines(log)).toHaveLength(4);

    // One name: its baseline against it; two: one against the other. Unknown: exit 2.
    const one = await ok(repo, ['exp', 'diff', 't-1']);
    expect(one.stdout).toMatch(/^Path\s+Param\s+baseline [0-9a-f]{7}\s+t-1\s+Change$/m);
    expect(one.stdout).toMatch(/^params\.yaml\s+train\.lr\s+0\.1\s+0\.3\s+\+0\.2/m);
    expect(one.stdout).toMatch(/^metrics\.json\s+score\s+0\.2\s+0\.6\s+\+0\.4/m);
    const two = await ok(repo, ['exp', 'diff', 't-1', 't-2']);
    expect(two.stdout).toMatch(/^params\.yaml\s+train\.lr\s+0\.3\s+0\.5\s+\+0\.2/m);
    const unknown = await repo.pipe(['exp', 'diff', 'no-such-exp']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown revision 'no-such-exp'/);

    // apply: the experiment's files in the workspace, and pipe status agrees with them.
    const applied = await ok(repo, ['exp', 'apply', 't-2']);
    expect(applied.stdout).toMatch(/Applied experiment 't-2': data\.lock, metrics\.json, params\.yaml/);
    expect(repo.read('params.yaml')).toMatch(/lr: 0\.5/);
    expect(JSON.parse(repo.read('metrics.json'))).toEqual({ score: 1, width: 4 });
    expect(repo.lock().stages.train?.params['params.yaml']?.['train.lr']).toBe(0.5);
    expect((await ok(repo, ['status'])).stdout).toMatch(/up to date/);
    expect(logLines(log)).toHaveLength(4);
    // Uncommitted changes to those files are not overwritten without --force.
    repo.write('params.yaml', PARAMS.replace('0.1', '0.7'));
    const dirty = await repo.pipe(['exp', 'apply', 't-1']);
    expect(dirty.code).toBe(2);
    expect(dirty.stderr).toMatch(/uncommitted changes to .*params\.yaml.*--force/);
    expect(repo.read('params.yaml')).toMatch(/lr: 0\.7/);

    // branch: at the experiment's commit; a taken branch name is refused.
    await ok(repo, ['exp', 'branch', 't-1', 'try-lr']);
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    expect(git(repo, 'rev-parse', 'try-lr').trim()).toBe(git(repo, 'rev-parse', `refs/exps/${head}/t-1`).trim());
    expect((await repo.pipe(['exp', 'branch', 't-2', 'try-lr'])).code).toBe(2);

    // remove: the ref goes, the branch made from it stays.
    await ok(repo, ['exp', 'remove', 't-1']);
    expect(expRefs(repo)).toEqual([`refs/exps/${head}/t-2`]);
    expect(git(repo, 'rev-parse', 'try-lr').trim()).toMatch(/^[0-9a-f]{40}$/);
    const gone = await repo.pipe(['exp', 'remove', 't-1']);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/no experiment named 't-1'/);
    await ok(repo, ['exp', 'remove', '--all']);
    expect(expRefs(repo)).toEqual([]);
  });
});

describe('pipe exp push and pull', () => {
  it('move the refs through a bare git remote and the data through a directory remote, so a clone can apply the experiment', MANY_RUNS, async () => {
    const { repo, log, env } = await setup();
    const bare = tempDir('pipe-exp-origin-');
    git(repo, 'init', '-q', '--bare', bare);
    git(repo, 'remote', 'add', 'origin', bare);
    const store = tempDir('pipe-exp-store-');
    await ok(repo, ['remote', 'add', 'store', store, '--default']);
    commitAll(repo, 'data remote');
    git(repo, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
    await ok(repo, ['exp', 'run', '-S', 'train.lr=0.9', '--name', 'far'], env);
    const model = git(repo, 'show', `${expRefs(repo)[0]}:data.lock`);

    const pushed = await ok(repo, ['exp', 'push', 'origin', 'far']);
    expect(pushed.stdout).toMatch(/Pushed 1 experiment \(far\) to 'origin'; \d+ objects? uploaded to the data remote/);
    expect(git(repo, 'ls-remote', bare, 'refs/exps/*').trim().split('\n')).toHaveLength(1);

    // A fresh clone: no cache, no experiments, until exp pull.
    const dir = tempDir('pipe-exp-clone-');
    git(repo, 'clone', '-q', '-b', 'main', bare, dir);
    const clone = new Repo(dir);
    expect(expRefs(clone)).toEqual([]);
    const pulled = await ok(clone, ['exp', 'pull', 'origin', 'far']);
    expect(pulled.stdout).toMatch(/Pulled 1 experiment \(far\) from 'origin'; [1-9]\d* objects? fetched from the data remote/);
    expect(git(clone, 'show', `${expRefs(clone)[0]}:data.lock`)).toBe(model);
    await ok(clone, ['exp', 'apply', 'far']);
    expect(clone.read('model.txt')).toBe('data\n');
    expect(JSON.parse(clone.read('metrics.json'))).toEqual({ score: 1.8, width: 4 });
    expect((await ok(clone, ['status'])).stdout).toMatch(/up to date/);
    expect(logLines(log)).toHaveLength(2);

    const none = await clone.pipe(['exp', 'pull', 'origin', 'nowhere']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/the git remote 'origin' has no experiment named 'nowhere'/);
  });
});

describe('sweeps and the queue', () => {
  it('a 3×2 sweep queued and run with -j 2 gives six experiments, two at a time; the same sweep again runs no stage', MANY_RUNS, async () => {
    const { repo, log, env } = await setup();
    const sweep = ['exp', 'run', '--queue', '-S', 'train.lr=0.001,0.01,0.1', '-S', 'train.hidden=[32],[64,32]'];
    const queued = await ok(repo, sweep, env);
    expect(queued.stdout).toMatch(/6 experiments queued/);
    const status = await ok(repo, ['queue', 'status', '--json']);
    expect((JSON.parse(status.stdout) as { status: string; params: string[] }[]).map((e) => [e.status, e.params.join(' ')])).toEqual([
      ['queued', 'train.lr=0.001 train.hidden=[32]'],
      ['queued', 'train.lr=0.001 train.hidden=[64,32]'],
      ['queued', 'train.lr=0.01 train.hidden=[32]'],
      ['queued', 'train.lr=0.01 train.hidden=[64,32]'],
      ['queued', 'train.lr=0.1 train.hidden=[32]'],
      ['queued', 'train.lr=0.1 train.hidden=[64,32]'],
    ]);
    expect(logLines(log)).toEqual([]);

    await ok(repo, ['queue', 'start', '-j', '2'], { ...env, EXP_WAIT: '6' });
    const lines = logLines(log);
    expect(lines.filter((l) => l.startsWith('start'))).toHaveLength(6);
    // Two experiments ran at once: a second start came before the first end.
    const firstEnd = lines.findIndex((l) => l.startsWith('end'));
    expect(lines.slice(0, firstEnd).filter((l) => l.startsWith('start')).length).toBeGreaterThanOrEqual(2);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(JSON.parse((await ok(repo, ['queue', 'status', '--json'])).stdout)).toEqual([]);

    const show = JSON.parse((await ok(repo, ['exp', 'show', '--json'])).stdout) as { baselines: { experiments: { params: Record<string, Record<string, unknown>>; metrics: Record<string, Record<string, unknown>> }[] }[] };
    const exps = show.baselines[0]?.experiments ?? [];
    expect(exps).toHaveLength(6);
    const seen = exps.map((e) => `${String(e.params['params.yaml']?.['train.lr'])} ${JSON.stringify(e.params['params.yaml']?.['train.hidden'])} ${String(e.metrics['metrics.json']?.score)}`).sort();
    expect(seen).toEqual(['0.001 [32] 0.002', '0.001 [64,32] 0.002', '0.01 [32] 0.02', '0.01 [64,32] 0.02', '0.1 [32] 0.2', '0.1 [64,32] 0.2']);
    // The rendered table: one row per experiment under the baseline, sorted by the metric.
    const table = (await ok(repo, ['exp', 'show', '--sort-by', 'score', '--sort-order', 'desc'])).stdout.split('\n');
    expect(table[0]).toMatch(/^Experiment\s+Created\s+score\s+width\s+train\.hidden\s+train\.lr$/);
    expect(table.slice(2, 8).map((l) => l.trim().split(/\s{2,}/)[2])).toEqual(['0.2', '0.2', '0.02', '0.02', '0.002', '0.002']);

    // The same sweep again: every train stage is restored from the run-cache, none runs.
    await ok(repo, sweep, env);
    const second = await ok(repo, ['queue', 'start', '-j', '2'], env);
    expect(second.stdout.match(/0 stages ran, 1 restored from the run-cache/g)).toHaveLength(6);
    expect(logLines(log)).toHaveLength(12);
    expect(expRefs(repo)).toHaveLength(12);
  });

  it('a queue start killed mid-run leaves its entry to the next start, which stops the orphaned stage, removes its worktree and runs it again', MANY_RUNS, async () => {
    const { repo, log, env, first, hold, stage: orphan } = await heldQueueStart('train.lr=0.25', 'crash');
    first.child.kill('SIGKILL');
    await first.done;

    // Its process is gone: the entry is queued again, nothing is running.
    const status = JSON.parse((await ok(repo, ['queue', 'status', '--json'])).stdout) as { name: string; status: string }[];
    expect(status.map((e) => [e.name, e.status])).toEqual([['crash', 'queued']]);

    const second = await ok(repo, ['queue', 'start'], env);
    expect(second.stderr).toMatch(/1 experiment left running by a killed pipe queue start was queued again/);
    expect(second.stdout).toMatch(/Experiment 'crash': 1 stage ran/);
    // The orphaned stage was stopped (it held until `hold` exists, which it never saw): only the second run ended.
    await waitUntil(() => !alive(orphan), `orphaned stage ${orphan} to be stopped`);
    writeFileSync(hold, '');
    expect(logLines(log)).toEqual(['start 0.25/[16]', `hold ${orphan}`, 'start 0.25/[16]', 'end 0.25/[16]']);
    expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
    expect(expRefs(repo)).toHaveLength(1);
    expect(JSON.parse((await ok(repo, ['queue', 'status', '--json'])).stdout)).toEqual([]);
  });

  it('Ctrl-C stops a queue start: its stage is stopped, its worktree removed, the entry stays queued and runs on the next start', MANY_RUNS, async () => {
    const { repo, env, first, stage } = await heldQueueStart('train.lr=0.35', 'stopped');
    first.child.kill('SIGINT');
    const r = await first.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted; 0 experiments done, the others stay queued/);
    // The stage was told to stop with its process group; it may take a moment to go.
    await waitUntil(() => !alive(stage), `stage process ${stage} to exit`);
    expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
    expect(expRefs(repo)).toEqual([]);
    const status = JSON.parse((await ok(repo, ['queue', 'status', '--json'])).stdout) as { name: string; status: string }[];
    expect(status.map((e) => [e.name, e.status])).toEqual([['stopped', 'queued']]);

    await ok(repo, ['queue', 'start'], env);
    expect(expRefs(repo)).toHaveLength(1);
  });
});

