import { describe, expect, it } from 'vitest';
import type { CsvTable } from './csv.js';
import { generateCustomers } from './customer-generator.js';
import { customerTable } from './customer-table.js';
import { driftChecks, driftingColumns } from './drift-checks.js';

const thresholds = { max_psi: 0.2, max_ks: 0.1, psi_bins: 10 };
const reference = generateCustomers({ rows: 5000, seed: 100, drift: 0, idPrefix: 'R' });

describe('driftChecks', () => {
  it('passes a batch from the reference population: PSI for every column, KS for numeric ones', () => {
    const checks = driftChecks(generateCustomers({ rows: 5000, seed: 1, drift: 0 }), reference, customerTable, thresholds);
    expect(checks.filter((c) => !c.pass)).toEqual([]);
    expect(checks.filter((c) => c.name.startsWith('psi:'))).toHaveLength(customerTable.features.length + 1);
    expect(checks.filter((c) => c.name.startsWith('ks:')).map((c) => c.column)).toEqual(['tenure_months', 'monthly_charges', 'total_charges', 'support_tickets']);
    expect(checks.find((c) => c.name === 'ks:tenure_months')?.detail).toMatch(/^p-value /);
  });

  it('names the drifting columns of a drifted batch', () => {
    const checks = driftChecks(generateCustomers({ rows: 5000, seed: 1, drift: 0.3 }), reference, customerTable, thresholds);
    const drifting = driftingColumns(checks);
    expect([...drifting.keys()]).toEqual(['tenure_months', 'monthly_charges', 'support_tickets']);
    expect(drifting.get('monthly_charges')?.join(', ')).toMatch(/^psi 0\.\d+ > 0\.2, ks 0\.\d+ > 0\.1$/);
  });

  it('detects a categorical shift by PSI', () => {
    const contract = reference.header.indexOf('contract');
    const shifted: CsvTable = { header: reference.header, rows: reference.rows.map((r, i) => r.map((v, j) => (j === contract && i % 3 !== 0 ? 'Month-to-month' : v))) };
    const failed = driftChecks(shifted, reference, customerTable, thresholds).filter((c) => !c.pass);
    expect(failed.map((c) => c.name)).toEqual(['psi:contract']);
  });

  it('skips a column that is absent or empty (the quality checks report those)', () => {
    const noTickets: CsvTable = { header: reference.header, rows: reference.rows.map((r) => r.map((v, j) => (j === reference.header.indexOf('support_tickets') ? '' : v))) };
    const names = driftChecks(noTickets, reference, customerTable, thresholds).map((c) => c.name);
    expect(names).not.toContain('psi:support_tickets');
    expect(names).toContain('psi:tenure_months');
  });
});
