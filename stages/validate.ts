/**
 * @module Stage `validate`: the data-quality and drift gate. Checks the raw table against the data
 * contract and the reference snapshot, writes every check to metrics/validation.json and an HTML
 * page, and passes the table on to data/validated/ only when every check passed; otherwise it exits
 * 1 naming what failed, which stops the pipeline before featurize.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readCsv } from './lib/csv.js';
import { customerTable } from './lib/customer-table.js';
import { driftChecks, driftingColumns } from './lib/drift-checks.js';
import { readParams } from './lib/params.js';
import { qualityChecks } from './lib/quality-checks.js';
import { validationReport } from './lib/validation-report.js';
import { writeJson } from './lib/write-json.js';

const RAW_TABLE = 'data/raw/customers.csv';
const REFERENCE_TABLE = 'data/reference/customers.csv';
const VALIDATED_TABLE = 'data/validated/customers.csv';
const REPORT = 'data/validated/report.html';
const METRICS = 'metrics/validation.json';

const params = readParams('validate');
const share = { min: 0, max: 1 };
const thresholds = {
  min_rows: params.number('min_rows', { min: 0, integer: true }),
  max_missing_share: params.number('max_missing_share', share),
  max_invalid_type_share: params.number('max_invalid_type_share', share),
  max_out_of_range_share: params.number('max_out_of_range_share', share),
  max_unknown_category_share: params.number('max_unknown_category_share', share),
  max_duplicate_share: params.number('max_duplicate_share', share),
  max_psi: params.number('max_psi', { min: 0 }),
  max_ks: params.number('max_ks', share),
  psi_bins: params.number('psi_bins', { min: 2, integer: true }),
};

const table = readCsv(RAW_TABLE);
const reference = readCsv(REFERENCE_TABLE);
const checks = [...qualityChecks(table, customerTable, thresholds), ...driftChecks(table, reference, customerTable, thresholds)];
const failed = checks.filter((c) => !c.pass);

// The summary first, so a reader (and `pipe metrics show`) sees the verdict before 67 checks.
writeJson(METRICS, {
  passed: failed.length === 0,
  rows: table.rows.length,
  checks_total: checks.length,
  checks_passed: checks.length - failed.length,
  checks_failed: failed.length,
  failed_checks: failed.map((c) => c.name),
  checks,
});
mkdirSync(dirname(REPORT), { recursive: true });
writeFileSync(
  REPORT,
  validationReport({ title: 'Customer table validation', table: RAW_TABLE, reference: REFERENCE_TABLE, rows: table.rows.length, checks }),
);

if (failed.length > 0) {
  const drifting = driftingColumns(failed);
  const quality = failed.filter((c) => !(c.column !== undefined && drifting.has(c.column) && /^(psi|ks):/.test(c.name)));
  console.error(`validate: ${failed.length} of ${checks.length} checks failed (details: ${METRICS}, ${REPORT})`);
  if (drifting.size > 0) {
    console.error(`validate: drift against ${REFERENCE_TABLE} in ${drifting.size} columns: ${[...drifting.keys()].join(', ')}`);
    for (const [column, what] of drifting) console.error(`  ${column}: ${what.join(', ')}`);
  }
  for (const c of quality) console.error(`  ${c.name}: ${c.value} (must be ${c.op} ${c.threshold})${c.detail ? ` — ${c.detail}` : ''}`);
  console.error('validate: fix the data, or change the thresholds in params.yaml (validate.*) if this shift is expected.');
  process.exit(1);
}
// The gate: featurize reads only a table that passed. Same bytes, so the cache stores it once.
copyFileSync(RAW_TABLE, VALIDATED_TABLE);
console.log(`validate: all ${checks.length} checks passed on ${table.rows.length} rows → ${VALIDATED_TABLE}`);
