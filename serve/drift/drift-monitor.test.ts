/**
 * The monitor on the example's own data: a reference profile of generated customers (the same
 * generator and preprocessing as the example pipeline), then live streams from the generator
 * with `ingest.drift` 0.3 or 0, fed one row at a time as JSON values, as the service would.
 * The score is a fixed stand-in model (a logistic function of contract and tenure), so the score's
 * distribution moves when its inputs do, as a real model's does.
 */
import { describe, expect, it } from 'vitest';
import { assertReferenceProfile, profileInputs, psiOfShares, referenceProfile, type ReferenceProfile } from '../model/index.js';
import { generateCustomers } from '../../stages/lib/customer-generator.js';
import { customerTable } from '../../stages/lib/customer-table.js';
import { fitPreprocessing } from '../../stages/lib/fit-preprocessing.js';
import { createDriftMonitor, DriftOptionError, type DriftOptions } from './index.js';

type Row = Record<string, string | number | null>;

const numeric = new Set(customerTable.features.filter((f) => f.type !== 'category').map((f) => f.name));

/** Generated customers as JSON rows: numbers for numeric columns, null for a missing value, no label. */
function customers(rows: number, seed: number, drift: number): Row[] {
  const table = generateCustomers({ rows, seed, drift });
  return table.rows.map((r) =>
    Object.fromEntries(
      table.header.flatMap((h, i) => {
        const v = r[i] as string;
        if (h === customerTable.label.name) return [];
        return [[h, v === '' ? null : numeric.has(h) ? Number(v) : v]];
      }),
    ),
  );
}

const score = (row: Row) => 1 / (1 + Math.exp(-(-1 + (row.contract === 'Month-to-month' ? 1.2 : 0) - 0.05 * Number(row.tenure_months))));

const reference = customers(20_000, 42, 0);
const get = (row: Row, column: string) => row[column];
const spec = fitPreprocessing(customerTable, reference, get);
const profile: ReferenceProfile = referenceProfile(profileInputs(spec.steps, reference, get), reference.map(score));
const FEATURES = customerTable.features.map((f) => f.name);
/** Columns the generator's drift knob does not touch, directly or through another column. */
const UNTOUCHED = ['gender', 'senior_citizen', 'partner', 'dependents', 'phone_service'];

function observeAll(options: DriftOptions, rows: readonly Row[]) {
  const monitor = createDriftMonitor(profile, options);
  for (const row of rows) monitor.observe(row, score(row));
  return monitor;
}

describe('the reference profile of the generated customers', () => {
  it('is valid after a round trip through JSON, with a decile bin of ~10% of the rows per numeric bin and a share per category', () => {
    const parsed: unknown = JSON.parse(JSON.stringify(profile));
    assertReferenceProfile(parsed);
    expect(Object.keys(parsed.features)).toEqual(FEATURES);
    const monthly = parsed.features.monthly_charges;
    if (monthly?.kind !== 'numeric') throw new Error('monthly_charges should be numeric');
    expect(monthly.edges).toHaveLength(9);
    for (const share of monthly.shares) expect(share).toBeCloseTo(0.1, 1);
    expect(monthly.missing).toBeGreaterThan(0);
    expect(parsed.features.contract).toMatchObject({ kind: 'category', categories: ['Month-to-month', 'One year', 'Two year'], other: 0, missing: 0 });
  });
});

describe('the drift monitor', () => {
  it('raises the PSI of the drifted features and of the score above 0.1 on an ingest.drift 0.3 stream, and not of the others', () => {
    const snapshot = observeAll({ window: { rows: 5000 } }, customers(5000, 7, 0.3)).snapshot();
    expect(snapshot.rows).toBe(5000);
    expect(Object.keys(snapshot.features)).toEqual(FEATURES);
    // The generator makes a drifted batch newer (tenure × 0.85) and pricier (bills × 1.105).
    for (const name of ['tenure_months', 'monthly_charges']) {
      expect(snapshot.features[name]?.psi, name).toBeGreaterThanOrEqual(0.1);
      expect(snapshot.features[name]?.drifted, name).toBe(true);
    }
    for (const name of UNTOUCHED) {
      expect(snapshot.features[name]?.psi, name).toBeLessThan(0.1);
      expect(snapshot.features[name]?.drifted, name).toBe(false);
    }
    expect(snapshot.prediction.psi).toBeGreaterThanOrEqual(0.1);
    expect(snapshot.prediction.drifted).toBe(true);
    const drifted = Object.values(snapshot.features).filter((f) => f.drifted).length;
    expect(snapshot.share).toBe(drifted / FEATURES.length);
    // A few strongly drifted columns are not a drifted data set (fewer than half of the features).
    expect(snapshot.datasetDrift).toBe(false);
  });

  it('keeps every feature and the score below 0.1 on an undrifted stream from another seed', () => {
    const snapshot = observeAll({ window: { rows: 5000 } }, customers(5000, 99, 0)).snapshot();
    for (const name of FEATURES) {
      expect(snapshot.features[name]?.psi, name).toBeLessThan(0.1);
      expect(snapshot.features[name]?.drifted, name).toBe(false);
    }
    expect(snapshot.prediction).toMatchObject({ drifted: false });
    expect(snapshot.prediction.psi).toBeLessThan(0.1);
    expect(snapshot).toMatchObject({ share: 0, datasetDrift: false });
  });

  it('forgets rows that left a row window: drifted rows followed by a window of undrifted ones show no drift', () => {
    const monitor = observeAll({ window: { rows: 2000 } }, customers(3000, 7, 0.3));
    expect(monitor.snapshot().features.tenure_months?.drifted).toBe(true);
    for (const row of customers(2000, 99, 0)) monitor.observe(row, score(row));
    const snapshot = monitor.snapshot();
    expect(snapshot.rows).toBe(2000);
    expect(snapshot.features.tenure_months?.psi).toBeLessThan(0.1);
    expect(snapshot.prediction.drifted).toBe(false);
  });

  it('keeps the last minutes of a time window and empties it when no row came for that long', () => {
    let now = 1_000_000;
    const monitor = createDriftMonitor(profile, { window: { minutes: 10 }, now: () => now });
    for (const row of customers(1000, 7, 0.3)) monitor.observe(row, score(row));
    now += 5 * 60_000;
    for (const row of customers(1000, 99, 0)) monitor.observe(row, score(row));
    expect(monitor.snapshot().rows).toBe(2000);
    // The drifted rows are 10 minutes old and leave; the undrifted ones, 5 minutes old, stay.
    now += 5 * 60_000;
    const later = monitor.snapshot();
    expect(later.rows).toBe(1000);
    expect(later.features.tenure_months?.drifted).toBe(false);
    now += 5 * 60_000;
    expect(monitor.snapshot()).toMatchObject({ rows: 0, share: 0, datasetDrift: false, prediction: { psi: null, drifted: false } });
  });

  it('computes PSI over the profile bins, missing and unknown values included, with empty bins counted as 0.0001', () => {
    const tiny: ReferenceProfile = {
      format: 'pipe-reference-profile/1',
      rows: 100,
      features: { plan: { kind: 'category', categories: ['basic', 'pro'], shares: [0.5, 0.5], other: 0, missing: 0 } },
      prediction: { edges: [0.5], shares: [0.5, 0.5] },
    };
    const monitor = createDriftMonitor(tiny, { window: { rows: 100 }, minRows: 10 });
    for (let i = 0; i < 100; i++) monitor.observe({ plan: i < 60 ? 'basic' : i < 90 ? 'pro' : i < 95 ? 'gold' : null }, i < 70 ? 0.2 : 0.9);
    const snapshot = monitor.snapshot();
    // basic .6, pro .3, other .05, missing .05 against .5, .5, 0 → 1e-4, 0 → 1e-4.
    const expected = psiOfShares([0.5, 0.5, 1e-4, 1e-4], [0.6, 0.3, 0.05, 0.05]);
    expect(snapshot.features.plan?.psi).toBeCloseTo(expected, 12);
    expect(snapshot.features.plan?.psi).toBeCloseTo(0.1 * Math.log(1.2) + 0.2 * Math.log(0.5 / 0.3) + 2 * (0.05 - 1e-4) * Math.log(0.05 / 1e-4), 12);
    // (.7 − .5)·ln(.7/.5) + (.3 − .5)·ln(.3/.5)
    expect(snapshot.prediction.psi).toBeCloseTo(0.1694596, 6);
    expect(snapshot).toMatchObject({ share: 1, datasetDrift: true, rows: 100 });
  });

  it('says nothing (psi null, no drift) below minRows, and follows the configured thresholds', () => {
    const rows = customers(5000, 7, 0.3);
    expect(observeAll({ minRows: 100 }, rows.slice(0, 99)).snapshot()).toMatchObject({ rows: 99, share: 0, prediction: { psi: null, drifted: false } });
    const strict = observeAll({ window: { rows: 5000 }, threshold: 0.001, datasetShare: 0.2 }, rows).snapshot();
    expect(strict.share).toBeGreaterThanOrEqual(0.2);
    expect(strict.datasetDrift).toBe(true);
    expect(observeAll({ window: { rows: 5000 }, threshold: 10 }, rows).snapshot().share).toBe(0);
  });

  it.each([
    [{ window: { rows: 0 } }, 'window.rows', 'drift option window.rows: expected a whole number of rows, at least 1, got 0'],
    [{ window: { minutes: -1 } }, 'window.minutes', 'drift option window.minutes: expected a number of minutes above 0, got -1'],
    [{ window: { rows: 10, minutes: 1 } }, 'window', 'drift option window: expected either {rows} or {minutes}, got {"rows":10,"minutes":1}'],
    [{ threshold: Number.NaN }, 'threshold', 'drift option threshold: expected a PSI above 0, got null'],
    [{ datasetShare: 1.5 }, 'datasetShare', 'drift option datasetShare: expected a share in (0, 1], got 1.5'],
    [{ epsilon: 0 }, 'epsilon', 'drift option epsilon: expected a share in (0, 1), got 0'],
  ] as [DriftOptions, string, string][])('refuses %j, naming the option', (options, option, message) => {
    const error = (() => {
      try {
        createDriftMonitor(profile, options);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DriftOptionError);
    expect((error as DriftOptionError).data.option).toBe(option);
    expect((error as Error).message).toBe(message);
  });
});
