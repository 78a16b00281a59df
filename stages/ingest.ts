/**
 * @module Example stage (placeholder until the churn pipeline lands): writes a seeded customer
 * table. Stages talk to pipe only through files and params.yaml, as a user's own stages would.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const params = parse(readFileSync('params.yaml', 'utf8')) as { ingest: { rows: number; seed: number } };
const { rows, seed } = params.ingest;

// mulberry32: a small, seedable PRNG so the same params give byte-identical data.
let state = seed >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const lines = ['customer_id,tenure_months,monthly_charges,churn'];
for (let i = 0; i < rows; i++) {
  const tenure = Math.floor(random() * 72) + 1;
  const charges = Math.round((20 + random() * 100) * 100) / 100;
  const churn = random() < 0.5 / (1 + tenure / 12) ? 1 : 0;
  lines.push(`${i + 1},${tenure},${charges},${churn}`);
}
mkdirSync('data/raw', { recursive: true });
writeFileSync('data/raw/customers.csv', `${lines.join('\n')}\n`);
console.log(`wrote ${rows} customers to data/raw/customers.csv`);
