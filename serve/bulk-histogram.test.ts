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

  it('keeps labelled series apart, each as prom-client would, created in any order', async () => {
    const one = new Registry();
    const bulk = new Registry();
    const latency = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    const labelNames = ['method', 'route', 'status'] as const;
    const observed = new Histogram({ name: 'request_seconds', help: 'Requests', labelNames, buckets: latency, registers: [one] });
    const counted = new BulkHistogram({ name: 'request_seconds', help: 'Requests', labelNames, buckets: latency, registers: [bulk] });
    const sets = [
      { method: 'POST', route: '/predict', status: '200' },
      { method: 'POST', route: '/predict', status: '422' },
      { method: 'GET', route: '/metrics', status: '200' },
      { route: '/predict/batch', status: '200', method: 'POST' },
    ];
    const series = sets.map((labels) => counted.series(labels));
    expect(counted.series({ status: '200', route: '/predict', method: 'POST' })).toBe(series[0]);
    // No series is exposed before its first value, as with prom-client.
    expect(await bulk.metrics()).toBe(await one.metrics());
    for (let i = 0; i < 3000; i++) {
      const k = (i * 31) % (i < 1500 ? 3 : sets.length);
      const seconds = ((i * 7919) % 10007) / 3000 ** (1 + (i % 3));
      observed.labels(sets[k] as Record<(typeof labelNames)[number], string>).observe(seconds);
      series[k]?.observe(seconds);
      if (i === 1499) expect(await bulk.metrics()).toBe(await one.metrics());
    }
    expect(await bulk.metrics()).toBe(await one.metrics());
    expect(await bulk.getMetricsAsJSON()).toEqual(await one.getMetricsAsJSON());
    expect(await bulk.metrics()).toMatch(/^request_seconds_count\{method="GET",route="\/metrics",status="200"\} [1-9]\d*$/m);
    observed.reset();
    counted.reset();
    observed.labels(sets[1] as Record<(typeof labelNames)[number], string>).observe(0.003);
    series[1]?.observe(0.003);
    expect(await bulk.metrics()).toBe(await one.metrics());
  });
});
