import { AggregatorRegistry, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BulkHistogram } from './bulk-histogram.js';

const buckets = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
// Edges exactly on bounds, both ends, and sums that round differently in another order.
const batches = [Float32Array.from([0, 0.05, 0.1, 0.95, 0.999, 1, 0.3, 0.7]), Float32Array.from(Array.from({ length: 997 }, (_, i) => ((i * 7919) % 1000) / 1000)), Float32Array.from([0.1 + 0.2, 1e-9])];

function pair() {
  const one = new Registry();
  const bulk = new Registry();
  const observed = new Histogram({ name: 'score', help: 'Scores', buckets, registers: [one] });
  const counted = new BulkHistogram({ name: 'score', help: 'Scores', buckets, registers: [bulk] });
  return { one, bulk, observed, counted };
}

describe('BulkHistogram', () => {
  it('exposes, as text and as JSON, what observing each value in turn exposes', async () => {
    const { one, bulk, observed, counted } = pair();
    expect(await bulk.metrics()).toBe(await one.metrics());
    for (const values of batches) {
      for (const v of values) observed.observe(v);
      counted.observeAll(values);
      expect(await bulk.metrics()).toBe(await one.metrics());
      expect(await bulk.getMetricsAsJSON()).toEqual(await one.getMetricsAsJSON());
    }
    expect(await bulk.metrics()).toMatch(/^score_bucket\{le="0\.5"\} [1-9]\d*$/m);
    expect(await bulk.metrics()).toMatch(/^score_count 1007$/m);
  });

  it('adds up across a cluster like a prom-client histogram, and resets', async () => {
    const { one, bulk, observed, counted } = pair();
    for (const values of batches) {
      for (const v of values) observed.observe(v);
      counted.observeAll(values);
    }
    const expected = await AggregatorRegistry.aggregate([await one.getMetricsAsJSON(), await one.getMetricsAsJSON()]).metrics();
    expect(await AggregatorRegistry.aggregate([await bulk.getMetricsAsJSON(), await bulk.getMetricsAsJSON()]).metrics()).toBe(expected);
    observed.reset();
    counted.reset();
    expect(await bulk.metrics()).toBe(await one.metrics());
    observed.observe(0.25);
    observed.observe(0.75);
    counted.observeAll(Float32Array.from([0.25, 0.75]));
    expect(await bulk.metrics()).toBe(await one.metrics());
    expect(await bulk.metrics()).toMatch(/^score_count 2$/m);
  });
});
