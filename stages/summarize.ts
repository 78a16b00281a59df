/** @module Example stage (placeholder until the churn pipeline lands): summary metrics of the table. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const [, ...rows] = readFileSync('data/raw/customers.csv', 'utf8').trim().split('\n');
const churned = rows.filter((r) => r.endsWith(',1')).length;
const tenure = rows.reduce((s, r) => s + Number(r.split(',')[1]), 0) / rows.length;
mkdirSync('metrics', { recursive: true });
const metrics = { rows: rows.length, churn_rate: churned / rows.length, mean_tenure: tenure };
writeFileSync('metrics/summary.json', `${JSON.stringify(metrics, null, 2)}\n`);
console.log(`churn rate ${(metrics.churn_rate * 100).toFixed(1)}% over ${rows.length} customers`);
