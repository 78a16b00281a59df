import { describe, expect, it } from 'vitest';
import { dataCheck } from './data-check.js';
import { validationReport } from './validation-report.js';

describe('validationReport', () => {
  const html = validationReport({
    title: 'T',
    table: 'data/raw/customers.csv',
    reference: 'data/reference/customers.csv',
    rows: 10,
    checks: [
      dataCheck('rows', undefined, 10, '>=', 5),
      dataCheck('unknown_category_share', 'contract', 0.1, '<=', 0, 'not in the contract: "<b>"'),
    ],
  });

  it('lists failures first with the verdict on top', () => {
    expect(html).toContain('<strong>1 of 2 checks failed</strong>');
    expect(html.indexOf('unknown_category_share:contract')).toBeLessThan(html.indexOf('<td>rows</td>'));
    expect(html).toContain('<td class="num">≤ 0</td>');
  });

  it('escapes values taken from the data', () => {
    expect(html).toContain('&quot;&lt;b&gt;&quot;');
    expect(html).not.toContain('<b>');
  });
});
