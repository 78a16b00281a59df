/**
 * @module serve/monitoring/churn/ is what `pipe serve monitoring` writes for the example's churn
 * model (its features from the data contract, as training writes the feature schema), and its
 * alert rules pass their promtool tests.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { monitoringFiles } from '../serve/monitoring/index.js';
import { EXAMPLE_DIR, EXAMPLE_SERVICE } from '../scripts/monitoring-example.js';

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();

describe('serve/monitoring/churn', () => {
  it("equals what pipe serve monitoring writes for the example's model (else: npx tsx scripts/monitoring-example.ts)", () => {
    const files = monitoringFiles(EXAMPLE_SERVICE);
    expect(filesUnder(EXAMPLE_DIR)).toEqual(Object.keys(files).sort());
    for (const [path, text] of Object.entries(files)) expect(readFileSync(join(EXAMPLE_DIR, path), 'utf8'), `${path} is stale: npx tsx scripts/monitoring-example.ts`).toBe(text);
    expect(EXAMPLE_SERVICE.features).toContain('tenure_months');
    expect(EXAMPLE_SERVICE.features).not.toContain('customer_id');
  });

  it('passes promtool test rules', (ctx) => {
    if (spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status !== 0) {
      ctx.skip(true, 'promtool is not installed (Debian package prometheus; .ci/run installs it)');
      return;
    }
    const r = spawnSync('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: EXAMPLE_DIR, encoding: 'utf8' });
    expect(`${r.status} ${r.stdout}${r.stderr}`).toMatch(/^0 [\s\S]*SUCCESS/);
  });
});
