/**
 * @module The example churn pipeline end to end, with small params: the real `pipe` bin runs the
 * real stage programs (and TensorFlow.js) in a temporary git repository (test/helpers/example-repo.ts).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { assertPreprocessingSpec, assertReferenceProfile, transformRow } from '../../serve/model/index.js';
import { parseCsv } from '../../stages/lib/csv.js';
import { exampleParams as params, exampleRepo, ranStages as ran, ROWS, SMALL } from '../helpers/example-repo.js';
import { removeRepos, template, type Repo } from '../helpers/repo.js';
import { EXAMPLE_PIPELINE, EXAMPLE_PIPELINE_RUN_MS } from '../helpers/timeouts.js';

afterAll(removeRepos);

const RUN = { timeoutMs: EXAMPLE_PIPELINE_RUN_MS };

async function repro(repo: Repo): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return repo.pipe(['repro'], RUN);
}

/** What the first run printed (stdout and stderr). */
let firstRunOutput = '';

/** The pipeline after one successful run. */
const ranOnce = template(async () => {
  const repo = exampleRepo();
  const r = await repro(repo);
  firstRunOutput = r.stdout + r.stderr;
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  expect(ran(r.stdout)).toEqual(['ingest', 'validate', 'featurize', 'train', 'evaluate']);
  return repo;
});

const json = (repo: Repo, path: string) => JSON.parse(repo.read(path)) as unknown;

describe('the example pipeline', EXAMPLE_PIPELINE, () => {
  it('runs end to end, writing metrics, plots and a loadable model, then has nothing left to do', async () => {
    const repo = await ranOnce();

    const validation = json(repo, 'metrics/validation.json') as {
      passed: boolean;
      rows: number;
      checks_failed: number;
      checks: { name: string; value: number; threshold: number; pass: boolean }[];
    };
    expect(validation).toMatchObject({ passed: true, rows: ROWS, checks_failed: 0 });
    expect(validation.checks.length).toBeGreaterThan(50);
    for (const c of validation.checks) expect(Object.keys(c)).toEqual(expect.arrayContaining(['name', 'value', 'threshold', 'pass']));

    const metrics = json(repo, 'metrics/eval.json') as Record<string, number>;
    expect(Object.keys(metrics)).toEqual(expect.arrayContaining(['auc', 'accuracy', 'precision', 'recall', 'f1', 'logloss', 'positive_rate']));
    expect(metrics.auc).toBeGreaterThan(0.6);
    expect(metrics.auc).toBeLessThanOrEqual(1);
    for (const key of ['accuracy', 'precision', 'recall', 'f1', 'positive_rate']) {
      expect(metrics[key], key).toBeGreaterThan(0);
      expect(metrics[key], key).toBeLessThan(1);
    }
    expect(metrics.logloss).toBeGreaterThan(0);
    expect(metrics.rows).toBe(ROWS * 0.2);

    const roc = json(repo, 'plots/roc.json') as { fpr: number; tpr: number }[];
    expect(roc.length).toBeLessThanOrEqual(201);
    expect(roc[0]).toMatchObject({ fpr: 0, tpr: 0 });
    expect(roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    expect((json(repo, 'plots/confusion.json') as { count: number }[]).reduce((s, c) => s + c.count, 0)).toBe(ROWS * 0.2);
    expect(json(repo, 'plots/precision-recall.json')).not.toHaveLength(0);
    expect(json(repo, 'plots/calibration.json')).not.toHaveLength(0);
    expect(json(repo, 'plots/training-loss.json')).toHaveLength(2);

    for (const file of ['model.json', 'weights.bin', 'preprocessing.json', 'feature-schema.json', 'metadata.json', 'reference-profile.json']) {
      expect(repo.exists(`models/churn/${file}`), file).toBe(true);
    }
    const model = json(repo, 'models/churn/model.json') as { format: string; weightsManifest: { paths: string[] }[] };
    expect(model.format).toBe('layers-model');
    expect(model.weightsManifest[0]?.paths).toEqual(['weights.bin']);
    const metadata = json(repo, 'models/churn/metadata.json') as Record<string, unknown>;
    expect(['wasm', 'tensorflow']).toContain(metadata.backend);
    // train and evaluate each say once which TF.js backend they use, as information, not as an error.
    const backendLines = firstRunOutput.split('\n').filter((l) => /backend/i.test(l));
    expect(backendLines).toEqual([
      expect.stringMatching(/^\[train\] tfjs backend: (wasm|tensorflow) \(/),
      expect.stringMatching(/^\[evaluate\] tfjs backend: (wasm|tensorflow) \(/),
    ]);
    expect(firstRunOutput).not.toMatch(/Cannot find (package|module)|did not load|\n\s+at /);
    expect(metadata).toMatchObject({ rows: { train: ROWS * 0.8 }, params: { epochs: 2 } });
    expect(repo.read('models/churn/preprocessing.json')).toBe(repo.read('data/features/preprocessing.json'));

    // The reference profile: every input column of the model, over the training rows, and the model's scores on them.
    expect(metadata).toMatchObject({ files: { reference_profile: 'reference-profile.json' } });
    const profile = json(repo, 'models/churn/reference-profile.json');
    assertReferenceProfile(profile);
    const steps = (json(repo, 'models/churn/preprocessing.json') as { steps: { name: string; kind: string }[] }).steps;
    expect(Object.entries(profile.features).map(([name, f]) => [name, f.kind])).toEqual(steps.map((s) => [s.name, s.kind]));
    expect(profile.rows).toBe(ROWS * 0.8);
    expect(profile.features.tenure_months).toMatchObject({ kind: 'numeric', missing: 0 });
    expect(profile.prediction.edges.length).toBeGreaterThanOrEqual(5);

    const lock = repo.lock();
    expect(Object.keys(lock.stages).sort()).toEqual(['evaluate', 'featurize', 'ingest', 'train', 'validate']);
    expect(lock.stages.ingest?.params).toEqual({ 'params.yaml': { 'ingest.drift': 0, 'ingest.rows': ROWS, 'ingest.seed': 42 } });
    // Cached outs are git-ignored; metrics and plots are committed.
    const ignored = repo.read('.gitignore');
    for (const out of ['/data/raw/customers.csv', '/data/features', '/models/churn']) expect(ignored).toContain(out);
    expect(ignored).not.toContain('metrics/');

    const lockBefore = repo.lockBytes();
    const second = await repro(repo);
    expect(second.code, second.stderr).toBe(0);
    expect(ran(second.stdout)).toEqual([]);
    expect(second.stdout).toMatch(/Everything is up to date/);
    expect(repo.lockBytes()).toEqual(lockBefore);
  });

  it('the saved preprocessing spec, applied in another process, gives the training feature vectors exactly', async () => {
    const repo = await ranOnce();
    const spec: unknown = json(repo, 'models/churn/preprocessing.json');
    assertPreprocessingSpec(spec);
    const raw = parseCsv(repo.read('data/raw/customers.csv'));
    const byId = new Map(raw.rows.map((row) => [row[0] as string, row]));
    for (const part of ['train', 'test']) {
      const features = parseCsv(repo.read(`data/features/${part}.csv`));
      expect(features.header.slice(2)).toEqual(spec.features);
      for (const row of features.rows) {
        const rawRow = byId.get(row[0] as string) as readonly string[];
        const vector = transformRow(spec, (column) => rawRow[raw.header.indexOf(column)]);
        expect(vector).toEqual(row.slice(2).map(Number));
      }
    }
  });

  it('produces byte-identical data and identical metrics in a fresh repository', async () => {
    const [a, b] = await Promise.all([ranOnce(), (async () => {
      const repo = exampleRepo();
      const r = await repro(repo);
      expect(r.code, r.stderr).toBe(0);
      return repo;
    })()]);
    const files = [
      'data/raw/customers.csv',
      'data/reference/customers.csv',
      'data/features/train.csv',
      'data/features/test.csv',
      'data/features/preprocessing.json',
      'models/churn/model.json',
      'models/churn/weights.bin',
      'models/churn/metadata.json',
      'models/churn/reference-profile.json',
      'metrics/validation.json',
      'metrics/eval.json',
      'plots/roc.json',
    ];
    for (const file of files) expect(readFileSync(b.path(file)).equals(readFileSync(a.path(file))), file).toBe(true);
    // Nothing of the run itself (such as the time training took) is in an out: the locks match too.
    expect(b.lockBytes()).toEqual(a.lockBytes());
  });

  it('re-runs only train and evaluate when train.epochs changes', async () => {
    const repo = await ranOnce();
    repo.write('params.yaml', params({ ...SMALL, 'train.epochs': 3 }));
    const r = await repro(repo);
    expect(r.code, r.stderr).toBe(0);
    expect(ran(r.stdout)).toEqual(['train', 'evaluate']);
    expect(r.stdout).toMatch(/^train: running because param train\.epochs changed from 2 to 3$/m);
  });

  it('stops at validate, naming the drifting columns, when ingest.drift is 0.3', async () => {
    const repo = await ranOnce();
    repo.write('params.yaml', params({ ...SMALL, 'ingest.drift': 0.3 }));
    const r = await repro(repo);
    expect(r.code).toBe(1);
    expect(ran(r.stdout)).toEqual(['ingest', 'validate']);
    const output = r.stdout + r.stderr;
    expect(output).toMatch(/drift against data\/reference\/customers\.csv in \d+ columns: .*tenure_months/);
    for (const column of ['tenure_months', 'monthly_charges', 'support_tickets']) expect(output).toMatch(new RegExp(`^.*${column}: (psi|ks) `, 'm'));
    const validation = json(repo, 'metrics/validation.json') as { passed: boolean; checks: { name: string; pass: boolean }[] };
    expect(validation.passed).toBe(false);
    expect(validation.checks.filter((c) => !c.pass).map((c) => c.name)).toContain('psi:tenure_months');
    expect(repo.exists('data/validated/customers.csv')).toBe(false);
  });
});
