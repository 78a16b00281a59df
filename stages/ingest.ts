/**
 * @module Stage `ingest`: writes the raw customer table and the reference snapshot that validate
 * measures drift against. Here both come from a seeded generator (no dataset can be downloaded);
 * replace this stage with your own loader that writes the same two files (README: "The example pipeline").
 */
import { writeCsv } from './lib/csv.js';
import { generateCustomers } from './lib/customer-generator.js';
import { readParams } from './lib/params.js';
import { deriveSeed } from './lib/seeded-random.js';

const RAW_TABLE = 'data/raw/customers.csv';
const REFERENCE_TABLE = 'data/reference/customers.csv';
/** The reference stands for the population the model was built for: at most this many rows of it. */
const REFERENCE_ROWS = 10_000;

const params = readParams('ingest');
const rows = params.number('rows', { min: 100, integer: true });
const seed = params.number('seed', { integer: true });
const drift = params.number('drift', { min: 0, max: 1 });

const current = generateCustomers({ rows, seed, drift });
writeCsv(RAW_TABLE, current.header, current.rows);
// Always undrifted, from its own stream: a drifted batch is compared with the population before it.
const reference = generateCustomers({ rows: Math.min(rows, REFERENCE_ROWS), seed: deriveSeed(seed, 'reference'), drift: 0, idPrefix: 'R' });
writeCsv(REFERENCE_TABLE, reference.header, reference.rows);

const churnIndex = current.header.indexOf('churn');
const churnRate = current.rows.filter((r) => r[churnIndex] === '1').length / rows;
console.log(`ingest: ${rows} customers (drift ${drift}, churn rate ${(churnRate * 100).toFixed(1)}%) → ${RAW_TABLE}`);
console.log(`ingest: ${reference.rows.length} reference customers → ${REFERENCE_TABLE}`);
