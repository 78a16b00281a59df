/**
 * @module The seeded generator behind the ingest stage: a telecom customer table whose churn label
 * comes from a hidden process with interactions and noise, a small share of missing values, and a
 * `drift` knob that moves the distributions the way a later batch of customers might.
 */
import { customerTable, contractColumns } from './customer-table.js';
import { seededRandom, type Random } from './seeded-random.js';

export interface GenerateOptions {
  readonly rows: number;
  readonly seed: number;
  /** 0 = the reference population; 1 = a strongly shifted one (newer, pricier, more fibre, more tickets). */
  readonly drift: number;
  /** Prefix of the generated customer ids. */
  readonly idPrefix?: string;
}

/** Missing-at-random rates of the nullable columns (total_charges is also missing, structurally, at tenure 0). */
const MISSING_RATE = { monthly_charges: 0.006, total_charges: 0.004, tech_support: 0.01, payment_method: 0.008, support_tickets: 0.015 };

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const yesNo = (b: boolean) => (b ? 'Yes' : 'No');

/** One customer as a record of CSV field values, in no particular order. */
function customer(r: Random, drift: number): Record<string, string> {
  const gender = r.bernoulli(0.5) ? 'Female' : 'Male';
  const senior = r.bernoulli(0.16);
  const partner = r.bernoulli(senior ? 0.55 : 0.47);
  const dependents = r.bernoulli(partner ? 0.5 : 0.08);

  const contract = r.choice(['Month-to-month', 'One year', 'Two year'], [0.55 + 0.3 * drift, 0.21 - 0.1 * drift, 0.24 - 0.2 * drift]);
  // Longer contracts belong to longer-standing customers; a drifted batch is newer overall.
  const tenureShape = contract === 'Month-to-month' ? 1.9 : contract === 'One year' ? 1.0 : 0.55;
  // A few brand-new customers (tenure 0) have not been billed yet: their total_charges is empty.
  const tenure = r.bernoulli(0.004) ? 0 : Math.round(1 + 71 * r.next() ** tenureShape * (1 - 0.5 * drift));

  const phone = r.bernoulli(0.9);
  const multipleLines = phone ? yesNo(r.bernoulli(0.42 + 0.004 * tenure)) : 'No phone service';
  const internet = r.choice(['DSL', 'Fiber optic', 'No'], [0.34 - 0.1 * drift, 0.44 + 0.2 * drift, 0.22 - 0.1 * drift]);
  const hasInternet = internet !== 'No';
  const longContract = contract !== 'Month-to-month';
  const addon = (p: number) => (hasInternet ? yesNo(r.bernoulli(p)) : 'No internet service');
  const onlineSecurity = addon(longContract ? 0.5 : 0.22);
  const techSupport = addon(longContract ? 0.52 : 0.2);
  const streamingTv = addon(internet === 'Fiber optic' ? 0.55 : 0.35);
  const paperless = r.bernoulli(internet === 'Fiber optic' ? 0.72 : 0.5);
  const payment = r.choice(
    ['Electronic check', 'Mailed check', 'Bank transfer (automatic)', 'Credit card (automatic)'],
    longContract ? [0.15 + 0.2 * drift, 0.25, 0.3, 0.3] : [0.48 + 0.2 * drift, 0.22, 0.15, 0.15],
  );

  // The bill follows the services taken, plus a price rise in a drifted batch.
  let monthly =
    (phone ? 20 : 0) +
    (multipleLines === 'Yes' ? 5 : 0) +
    (internet === 'DSL' ? 28 : internet === 'Fiber optic' ? 52 : 0) +
    (onlineSecurity === 'Yes' ? 5 : 0) +
    (techSupport === 'Yes' ? 5 : 0) +
    (streamingTv === 'Yes' ? 10 : 0) +
    r.normal(0, 4);
  monthly = Math.max(18, monthly * (1 + 0.35 * drift));
  // Past bills were at older prices, so the total wanders around tenure × today's bill.
  const total = tenure === 0 ? undefined : tenure * monthly * Math.min(1.2, Math.max(0.8, r.normal(1, 0.06)));

  const techSupportNo = techSupport === 'No';
  const tickets = r.poisson((0.5 + (internet === 'Fiber optic' ? 0.7 : 0) + (techSupportNo ? 0.6 : 0) + (tenure < 6 ? 0.4 : 0)) * (1 + drift));

  // The hidden churn process: main effects, interactions and a latent noise term.
  const m2m = contract === 'Month-to-month';
  let z =
    -1.85 +
    (m2m ? 1.2 : contract === 'One year' ? 0 : -1.1) -
    0.42 * Math.log1p(tenure) +
    (internet === 'Fiber optic' ? 0.55 : internet === 'No' ? -0.6 : 0) +
    (payment === 'Electronic check' ? 0.45 : 0) +
    (techSupportNo ? 0.3 : 0) +
    (onlineSecurity === 'No' ? 0.3 : 0) +
    (senior ? 0.35 : 0) -
    (partner ? 0.2 : 0) -
    (dependents ? 0.25 : 0) +
    (paperless ? 0.25 : 0) +
    0.22 * Math.min(tickets, 8);
  if (internet === 'Fiber optic' && techSupportNo) z += 0.45;
  if (m2m && tenure < 6) z += 0.6;
  if (m2m) z += 0.025 * (monthly / (1 + 0.35 * drift) - 70);
  if (techSupportNo) z += 0.15 * Math.min(tickets, 8);
  if (tickets >= 4) z += 0.5;
  if (contract === 'Two year' && payment.endsWith('(automatic)')) z -= 0.5;
  z += r.normal(0, 1.0);
  const churn = r.bernoulli(sigmoid(z));

  const missing = (column: keyof typeof MISSING_RATE) => r.bernoulli(MISSING_RATE[column]);
  return {
    gender,
    senior_citizen: yesNo(senior),
    partner: yesNo(partner),
    dependents: yesNo(dependents),
    tenure_months: String(tenure),
    contract,
    phone_service: yesNo(phone),
    multiple_lines: multipleLines,
    internet_service: internet,
    online_security: onlineSecurity,
    tech_support: missing('tech_support') ? '' : techSupport,
    streaming_tv: streamingTv,
    paperless_billing: yesNo(paperless),
    payment_method: missing('payment_method') ? '' : payment,
    monthly_charges: missing('monthly_charges') ? '' : monthly.toFixed(2),
    total_charges: total === undefined || missing('total_charges') ? '' : total.toFixed(2),
    support_tickets: missing('support_tickets') ? '' : String(tickets),
    churn: churn ? '1' : '0',
  };
}

/** The table as a header and rows of strings, in the contract's column order. */
export function generateCustomers({ rows, seed, drift, idPrefix = 'C' }: GenerateOptions): { header: string[]; rows: string[][] } {
  if (!(drift >= 0 && drift <= 1)) throw new RangeError(`drift must be between 0 and 1, got ${drift}`);
  const header = contractColumns(customerTable);
  const random = seededRandom(seed);
  const width = Math.max(6, String(rows).length);
  const out: string[][] = [];
  for (let i = 0; i < rows; i++) {
    const record = customer(random, drift);
    record[customerTable.id] = `${idPrefix}${String(i + 1).padStart(width, '0')}`;
    out.push(header.map((name) => record[name] ?? ''));
  }
  return { header, rows: out };
}
