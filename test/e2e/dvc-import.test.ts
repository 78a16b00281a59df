/**
 * @module `pipe import dvc` and `.dvc` files: a DVC project (dvc.yaml, dvc.lock, .dvc files, the
 * md5-addressed .dvc/cache DVC 3 writes) made a pipe project without recomputing anything; the
 * objects carried and verified; --dry; re-runs; data tracked with `dvc add` read as tracked data;
 * the git-ignored metrics warning; what pipe cannot honour, each at its line.
 */
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DVC_STAGES, dvcAdd, dvcObject, dvcProject, writeDvcObjects } from '../helpers/dvc-project.js';
import { makeRepo, ok, removeRepos, type Repo } from '../helpers/repo.js';
import { MANY_RUNS } from '../helpers/timeouts.js';

afterAll(removeRepos);

/** The stage scripts each append to .counts/<stage> when they run. */
function runs(repo: Repo): string[] {
  return repo.exists('.counts') ? readdirSync(repo.path('.counts')).sort() : [];
}

/** Whether pipe's store holds an object with these bytes. */
function stored(repo: Repo, bytes: string | Buffer): boolean {
  const hex = createHash('sha256').update(bytes).digest('hex');
  return repo.exists(`.pipe/cache/files/sha256/${hex.slice(0, 2)}/${hex.slice(2)}`);
}

/** The fixture with its DVC cache, plus data added with `dvc add` (a directory and a file). */
function projectWithData(): Repo {
  const repo = dvcProject({ withCache: true });
  repo.write('data/images/cat.png', 'cat pixels\n');
  repo.write('data/images/dogs/dog.png', 'dog pixels\n');
  dvcAdd(repo, 'data/images');
  repo.write('data/labels.csv', 'file,label\ncat.png,cat\n');
  dvcAdd(repo, 'data/labels.csv');
  return repo;
}

describe('pipe import dvc', () => {
  it('writes pipeline.yaml and data.lock, carries .dvc/cache into pipe’s cache: status is up to date and repro runs nothing', MANY_RUNS, async () => {
    const repo = projectWithData();
    const dvcYaml = repo.read('dvc.yaml');
    const dvcLock = repo.read('dvc.lock');
    const r = await ok(repo, ['import', 'dvc']);
    expect(r.stdout).toMatch(/^pipeline\.yaml: written$/m);
    expect(r.stdout).toMatch(/^data\.lock: written$/m);
    expect(r.stdout).toMatch(/^\.gitignore: written$/m);
    expect(r.stdout).toMatch(/^stages: 8 from dvc\.yaml$/m);
    expect(r.stdout).toMatch(/^tracked data: 2 paths from \.dvc files$/m);
    expect(r.stdout).toMatch(/^objects carried from \.dvc\/cache: \d+ \(.+\)$/m);
    // Templating kept as written: the same loader reads it.
    expect(repo.read('pipeline.yaml')).toContain('foreach: ${langs}');
    expect(repo.read('dvc.yaml')).toBe(dvcYaml);
    expect(repo.read('dvc.lock')).toBe(dvcLock);
    const lock = repo.lock();
    expect(Object.keys(lock.stages).sort()).toEqual([...DVC_STAGES].sort());
    expect(lock.stages['train@de-2']?.params).toEqual({ 'params.yaml': { 'train.alpha': 0.5 } });
    expect(Object.keys(lock.data).sort()).toEqual(['data/images', 'data/labels.csv']);
    expect(repo.read('.gitignore')).toMatch(/# >>> pipe[^\n]*\n(\/\S+\n)*\/data\/images\n(\/\S+\n)*\/models\/en-1\.txt\n/);
    // The objects came from DVC's cache: pipe's store has them without any stage having run.
    expect(stored(repo, repo.read('models/en-1.txt'))).toBe(true);
    expect(stored(repo, 'dog pixels\n')).toBe(true);

    const status = await ok(repo, ['status']);
    for (const s of DVC_STAGES) expect(status.stdout).toMatch(new RegExp(`^${s}: up to date$`, 'm'));
    expect(status.stdout).toMatch(/Everything is up to date\./);
    const repro = await ok(repo, ['repro']);
    expect(runs(repo)).toEqual([]);
    expect(repro.stdout).not.toMatch(/running/i);
    // Nothing to recompute even with the workspace copies gone: they come back from the cache.
    repo.write('models/de-1.txt', 'scribbled over\n');
    await ok(repo, ['checkout', '--force']);
    expect(repo.read('models/de-1.txt')).toMatch(/^lang=de seed=1/m);
  });

  it('keeps the exec bits of the workspace, which DVC’s manifest does not record: up to date, checked out with them', MANY_RUNS, async () => {
    const repo = dvcProject({ withCache: true });
    repo.write('tools/run.sh', { content: '#!/bin/sh\necho hi\n', mode: 0o755 });
    repo.write('tools/README', 'how to run\n');
    dvcAdd(repo, 'tools');
    await ok(repo, ['import', 'dvc']);
    expect((await ok(repo, ['status'])).stdout).toMatch(/Everything is up to date\./);
    rmSync(repo.path('tools'), { recursive: true });
    await ok(repo, ['checkout']);
    expect(statSync(repo.path('tools/run.sh')).mode & 0o111).not.toBe(0);
    expect(statSync(repo.path('tools/README')).mode & 0o111).toBe(0);
  });

  it('re-running it changes nothing and carries nothing', MANY_RUNS, async () => {
    const repo = projectWithData();
    await ok(repo, ['import', 'dvc']);
    const files = ['pipeline.yaml', 'data.lock', '.gitignore'].map((f) => repo.read(f));
    const again = await ok(repo, ['import', 'dvc']);
    expect(again.stdout).toMatch(/^pipeline\.yaml: unchanged$/m);
    expect(again.stdout).toMatch(/^data\.lock: unchanged$/m);
    expect(again.stdout).toMatch(/^\.gitignore: unchanged$/m);
    expect(again.stdout).toMatch(/^objects carried from \.dvc\/cache: 0 \(0 B\)$/m);
    expect(['pipeline.yaml', 'data.lock', '.gitignore'].map((f) => repo.read(f))).toEqual(files);
  });

  it('--dry prints the same report and writes nothing', async () => {
    const repo = projectWithData();
    const gitignore = repo.read('data/.gitignore');
    const r = await ok(repo, ['import', 'dvc', '--dry']);
    expect(r.stdout).toMatch(/^pipeline\.yaml: would be written$/m);
    expect(r.stdout).toMatch(/^data\.lock: would be written$/m);
    expect(r.stdout).toMatch(/^objects to carry from \.dvc\/cache: [1-9]\d* \(.+\) \(dry run: nothing written\)$/m);
    expect(repo.exists('pipeline.yaml')).toBe(false);
    expect(repo.exists('data.lock')).toBe(false);
    expect(repo.exists('.gitignore')).toBe(false);
    expect(repo.exists('.pipe')).toBe(false);
    expect(repo.read('data/.gitignore')).toBe(gitignore);
  });

  it('reports a corrupt object of .dvc/cache and does not store it; what it held is recomputed', MANY_RUNS, async () => {
    const repo = projectWithData();
    const model = repo.read('models/de-1.txt');
    const md5 = createHash('md5').update(model).digest('hex');
    const object = dvcObject(md5);
    chmodSync(repo.path(object), 0o644);
    writeFileSync(repo.path(object), 'bit rot\n');
    // The workspace copy is gone too: nothing good is left of it.
    repo.write('models/de-1.txt', 'not what DVC recorded\n');
    const r = await ok(repo, ['import', 'dvc']);
    expect(r.stderr).toContain(`warning: ${object} is corrupt (not stored): its content has md5 ${createHash('md5').update('bit rot\n').digest('hex')}\n`);
    // evaluate reads that model: its recorded dep cannot be checked either.
    expect(r.stdout).toMatch(/^stages: 8 from dvc\.yaml, 2 will run \(train@de-1, evaluate\)$/m);
    expect(stored(repo, 'bit rot\n')).toBe(false);
    await ok(repo, ['repro']);
    expect(runs(repo)).toEqual(['evaluate', 'train-de-1']);
    expect(repo.read('models/de-1.txt')).toBe(model);
  });

  it('leaves a pipeline.yaml it did not write alone (exit 2), and nothing else is written', async () => {
    const repo = projectWithData();
    repo.write('pipeline.yaml', 'stages:\n  mine:\n    cmd: echo mine\n');
    const r = await repo.pipe(['import', 'dvc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pipeline\.yaml exists and was not written by 'pipe import dvc'; nothing was changed/);
    expect(repo.read('pipeline.yaml')).toBe('stages:\n  mine:\n    cmd: echo mine\n');
    expect(repo.exists('data.lock')).toBe(false);
  });

  it('replaces its own pipeline.yaml when dvc.yaml changed, but not once it was edited by hand', MANY_RUNS, async () => {
    const repo = projectWithData();
    await ok(repo, ['import', 'dvc']);
    repo.write('dvc.yaml', repo.read('dvc.yaml').replace('desc: Split the raw text into train and test', 'desc: Split the raw text'));
    expect((await ok(repo, ['import', 'dvc'])).stdout).toMatch(/^pipeline\.yaml: written$/m);
    expect(repo.read('pipeline.yaml')).toContain('desc: Split the raw text\n');
    const edited = repo.read('pipeline.yaml').replace('desc: Split the raw text\n', 'desc: mine\n');
    repo.write('pipeline.yaml', edited);
    repo.write('dvc.yaml', repo.read('dvc.yaml').replace('desc: Split the raw text', 'desc: Split'));
    const r = await repo.pipe(['import', 'dvc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pipeline\.yaml was edited since 'pipe import dvc' wrote it; nothing was changed/);
    expect(repo.read('pipeline.yaml')).toBe(edited);
  });

  it('without dvc.yaml, imports the .dvc files only, keeping the pipe project’s stages, lock and ignored outs', MANY_RUNS, async () => {
    const repo = makeRepo({ '.dvc/config': '', 'pipeline.yaml': 'stages:\n  make:\n    cmd: echo made > made.txt\n    outs: [made.txt]\n' });
    await ok(repo, ['repro']);
    repo.write('data/raw.csv', 'a\n1\n');
    dvcAdd(repo, 'data/raw.csv');
    const r = await ok(repo, ['import', 'dvc']);
    expect(r.stdout).not.toMatch(/pipeline\.yaml/);
    expect(r.stdout).toMatch(/^tracked data: 1 path from \.dvc files$/m);
    expect(repo.read('pipeline.yaml')).toBe('stages:\n  make:\n    cmd: echo made > made.txt\n    outs: [made.txt]\n');
    expect(Object.keys(repo.lock().stages)).toEqual(['make']);
    expect(Object.keys(repo.lock().data)).toEqual(['data/raw.csv']);
    expect(repo.read('.gitignore')).toMatch(/^\/data\/raw\.csv\n\/made\.txt\n/m);
    expect((await ok(repo, ['status'])).stdout).toMatch(/^make: up to date$/m);
  });

  it('keeps DVC’s default for stage metrics and plots (cached) explicit in pipeline.yaml, and warns about a committed one that .gitignore hides, naming the line', MANY_RUNS, async () => {
    const repo = dvcProject({ withCache: true });
    repo.write('summary.json', '{"n": 1}\n');
    repo.write('curve.json', '[{"x": 1}]\n');
    repo.write('.gitignore', '# generated\n*.json\n');
    repo.write(
      'dvc.yaml',
      `${repo.read('dvc.yaml').replace(
        '    meta:\n      owner: nlp-team\n',
        '    meta:\n      owner: nlp-team\n  summarize:\n    cmd: cp eval/metrics.json summary.json && cp eval/plots/roc.json curve.json\n    deps:\n      - eval\n    metrics:\n      - summary.json:\n          cache: false\n    plots:\n      - curve.json\n',
      )}`,
    );
    const r = await ok(repo, ['import', 'dvc']);
    expect(repo.read('pipeline.yaml')).toMatch(/ {6}- summary\.json:\n {10}cache: false\n {4}plots:\n {6}- curve\.json: \{ cache: true \}\n/);
    const warning = 'warning: metrics file summary.json (stage summarize, cache: false) is ignored by git (.gitignore:2: *.json), so it will not be committed: remove or narrow that line, or declare it with cache: true\n';
    expect(r.stderr).toContain(warning);
    // The cached plot (DVC's default) and dvclive's eval/metrics.json inside the cached `eval` are meant to be ignored.
    expect(r.stderr).not.toMatch(/curve\.json|eval\/metrics\.json/);
    expect((await repo.pipe(['status'])).stderr).toContain(warning);
    expect((await repo.pipe(['repro'])).stderr).toContain(warning);
  });
});

describe('.dvc files (data added with dvc add), without import', () => {
  it('are tracked data: status reports them, checkout puts them back from .dvc/cache, and their state goes to data.lock', MANY_RUNS, async () => {
    const repo = projectWithData();
    const st = await ok(repo, ['status']);
    expect(st.stdout).not.toMatch(/data\/images|data\/labels\.csv/);
    repo.write('data/labels.csv', 'file,label\ncat.png,dog\n');
    expect((await ok(repo, ['status'])).stdout).toMatch(/^data\/labels\.csv: tracked data modified/m);
    repo.write('data/labels.csv', 'file,label\ncat.png,cat\n');
    // The data is gone from the workspace (a fresh clone with DVC's cache at hand).
    rmSync(repo.path('data/images'), { recursive: true });
    rmSync(repo.path('data/labels.csv'));
    const before = await ok(repo, ['status']);
    expect(before.stdout).toMatch(/^data\/images: tracked data missing/m);
    expect(before.stdout).toMatch(/^data\/labels\.csv: tracked data missing/m);
    expect(repo.exists('data.lock')).toBe(false);
    await ok(repo, ['checkout']);
    expect(repo.read('data/images/dogs/dog.png')).toBe('dog pixels\n');
    expect(repo.read('data/images/cat.png')).toBe('cat pixels\n');
    expect(repo.read('data/labels.csv')).toBe('file,label\ncat.png,cat\n');
    expect(Object.keys(repo.lock().data).sort()).toEqual(['data/images', 'data/labels.csv']);
    expect((await ok(repo, ['status'])).stdout).not.toMatch(/tracked data/);
  });

  it('data on a DVC remote only (neither in the workspace nor in .dvc/cache) reads as missing and gets no hash until it arrives', MANY_RUNS, async () => {
    const repo = dvcProject({ withCache: true });
    repo.write('data/remote.csv', 'a,b\n1,2\n');
    const { md5 } = dvcAdd(repo, 'data/remote.csv');
    rmSync(repo.path(dvcObject(md5)));
    rmSync(repo.path('data/remote.csv'));
    expect((await ok(repo, ['status'])).stdout).toMatch(/^data\/remote\.csv: tracked data missing/m);
    const co = await repo.pipe(['checkout']);
    expect(co.code, co.stderr).toBe(0);
    expect(repo.lock().data['data/remote.csv']).toBeUndefined();
    const imp = await ok(repo, ['import', 'dvc']);
    expect(imp.stdout).toMatch(/^tracked data: 1 path from \.dvc files, 1 missing \(data\/remote\.csv\)$/m);
    // `dvc pull` brings it: it is taken over as it is.
    repo.write('data/remote.csv', 'a,b\n1,2\n');
    expect((await ok(repo, ['status'])).stdout).not.toMatch(/remote\.csv/);
    await ok(repo, ['checkout']);
    expect(repo.lock().data['data/remote.csv']).toMatchObject({ hash: `sha256:${createHash('sha256').update('a,b\n1,2\n').digest('hex')}` });
  });

  it('a stage whose dep is a .dvc-tracked file is up to date after repro, and re-runs when the data changes', MANY_RUNS, async () => {
    const repo = dvcProject({ withCache: true });
    repo.write('data/extra.txt', 'extra\n');
    dvcAdd(repo, 'data/extra.txt');
    repo.write('pipeline.yaml', 'stages:\n  count:\n    cmd: mkdir -p .counts && echo run >> .counts/count && wc -l data/extra.txt > n.txt\n    deps: [data/extra.txt]\n    outs: [n.txt]\n');
    await ok(repo, ['repro']);
    expect(runs(repo)).toEqual(['count']);
    expect(repo.lock().data['data/extra.txt']).toBeDefined();
    const st = await ok(repo, ['status']);
    expect(st.stdout).toMatch(/^count: up to date$/m);
    repo.write('data/extra.txt', 'extra\nmore\n');
    writeDvcObjects(repo, 'data/extra.txt');
    await ok(repo, ['repro']);
    expect(repo.read('.counts/count')).toBe('run\nrun\n');
  });

  it('fails on what pipe cannot honour, each at its file, line and column (exit 2)', async () => {
    const repo = dvcProject({ withCache: true });
    repo.write('data/imported.csv.dvc', 'md5: 0123\nfrozen: true\ndeps:\n- path: https://example.com/data.csv\n  etag: abc\nouts:\n- md5: 5e9b69b989a5e54d6aed49bffe9c5102\n  path: imported.csv\n');
    repo.write('data/ext.dvc', 'outs:\n- md5: 5e9b69b989a5e54d6aed49bffe9c5102\n  path: s3://bucket/ext.csv\n');
    repo.write('data/flags.dvc', 'outs:\n- md5: 5e9b69b989a5e54d6aed49bffe9c5102\n  hash: md5\n  path: flags.csv\n  push: false\n  remote: cold\n');
    repo.write('data/cloud.dvc', 'outs:\n- etag: "0x8D"\n  path: cloud.csv\n');
    for (const cmd of [['status'], ['import', 'dvc']]) {
      const r = await repo.pipe(cmd);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/data\/imported\.csv\.dvc:2:1: frozen: 'frozen:' \(a frozen import\) is not supported/);
      expect(r.stderr).toMatch(/data\/imported\.csv\.dvc:3:1: deps: 'deps:' makes this an import/);
      expect(r.stderr).toMatch(/data\/ext\.dvc:3:3: outs\[0\]\.path: external out 's3:\/\/bucket\/ext\.csv' is not supported/);
      expect(r.stderr).toMatch(/data\/flags\.dvc:5:3: outs\[0\]\.push: 'push: false' is not supported/);
      expect(r.stderr).toMatch(/data\/flags\.dvc:6:3: outs\[0\]\.remote: 'remote:' on an out is not supported/);
      expect(r.stderr).toMatch(/data\/cloud\.dvc:2:3: outs\[0\]\.etag: 'etag:' is not supported by pipe \(only md5 hashes are/);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
    expect(repo.exists('pipeline.yaml')).toBe(false);
  });
});

describe('push: false on a DVC out', () => {
  it('is cached locally but never pushed; status --remote and fetch know it is not on the remote', MANY_RUNS, async () => {
    const repo = makeRepo({
      'dvc.yaml': 'stages:\n  make:\n    cmd: echo big > big.bin && echo small > small.txt\n    outs:\n      - big.bin:\n          push: false\n      - small.txt\n',
    });
    await ok(repo, ['repro']);
    expect(stored(repo, 'big\n')).toBe(true);
    await ok(repo, ['remote', 'add', 'store', 'store', '--create', '--default']);
    const push = await ok(repo, ['push']);
    expect(push.stdout).toMatch(/^pushed 1 object .*; not pushed \(push: false\): big\.bin$/m);
    const hex = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(repo.exists(`store/files/sha256/${hex('small\n').slice(0, 2)}/${hex('small\n').slice(2)}`)).toBe(true);
    expect(repo.exists(`store/files/sha256/${hex('big\n').slice(0, 2)}/${hex('big\n').slice(2)}`)).toBe(false);
    const st = await ok(repo, ['status', '--remote']);
    expect(st.stdout).toMatch(/^ {4}big\.bin: push: false \(kept in the local cache only\)$/m);
    expect(st.stdout).toMatch(/The remote has everything the workspace references\./);
    // A clone without the cache fetches what the remote has and does not ask it for big.bin.
    const clone = repo.clone();
    rmSync(clone.path('.pipe/cache'), { recursive: true });
    const fetch = await clone.pipe(['fetch']);
    expect(fetch.code, fetch.stderr).toBe(0);
    expect(stored(clone, 'small\n')).toBe(true);
  });
});
