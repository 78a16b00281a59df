/**
 * @module Writes serve/monitoring/churn/: what `pipe serve monitoring -o serve/monitoring/churn`
 * writes for the example's churn model, whose features come from the data contract
 * (stages/lib/customer-table.ts) through the feature schema training writes. Run it with
 * `npx tsx scripts/monitoring-example.ts` after changing either; test/monitoring-example.test.ts
 * fails while the committed copy is stale.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../runner/index.js';
import { DEFAULTS, monitoringFiles, type MonitoredService } from '../serve/monitoring/index.js';
import { customerTable } from '../stages/lib/customer-table.js';
import { featureSchema } from '../stages/lib/feature-schema.js';

export const EXAMPLE_DIR = join(import.meta.dirname, '..', 'serve', 'monitoring', 'churn');

/** The example model as the command sees it: the schema's properties but the row key. */
export const EXAMPLE_SERVICE: MonitoredService = {
  model: 'churn',
  features: Object.keys(featureSchema(customerTable).properties).filter((c) => c !== customerTable.id),
  ...DEFAULTS,
};

if (process.argv[1] === import.meta.filename) {
  for (const [path, text] of Object.entries(monitoringFiles(EXAMPLE_SERVICE))) writeFileAtomic(join(EXAMPLE_DIR, path), text);
  console.log(`wrote ${EXAMPLE_DIR}`);
}
