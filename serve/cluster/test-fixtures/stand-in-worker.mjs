/** @module A stand-in for a worker of `pipe serve --workers N`, for primary.test.ts: it says it listens, answers every load as loaded, and exits 0 on SIGTERM. */
process.on('SIGTERM', () => process.exit(0));
process.on('message', (m) => {
  if (m?.type === 'pipe-serve:load') process.send({ type: 'pipe-serve:loaded', id: m.id, ok: true, name: 'churn', version: 'v2' });
});
process.send({ type: 'pipe-serve:ready', url: 'http://127.0.0.1:1', name: 'churn', version: 'v1', engine: 'typed-array' });
