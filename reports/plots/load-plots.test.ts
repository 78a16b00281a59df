import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { loadPlots } from './load-plots.js';

function workspace(files: Record<string, string>): string {
  const root = tempDir('pipe-plots-load-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const PIPELINE = `stages:
  train:
    cmd: x
    plots:
      - plots/loss.csv: {x: epoch, y: loss, title: Loss}
      - plots/roc.json: {x: fpr, y: tpr}
  evaluate:
    cmd: x
    wdir: sub
    plots:
      - cm.yaml: {template: confusion}
      - ../plots/gone.json
`;

describe('loadPlots (workspace)', () => {
  it("finds every stage's plots (paths from the wdir), reads their data, and notes the missing ones", async () => {
    const root = workspace({
      'pipeline.yaml': PIPELINE,
      'plots/loss.csv': 'epoch,loss\n1,0.9\n2,0.5\n',
      'plots/roc.json': '{"curve": [{"fpr": 0, "tpr": 0}, {"fpr": 1, "tpr": 1}]}',
      'sub/cm.yaml': '- {actual: 1, predicted: 1}\n- {actual: 0, predicted: 1}\n',
    });
    const set = await loadPlots({ root, revisions: [] });
    expect(set.revisions).toEqual([{ name: 'workspace' }]);
    expect(set.plots.map((p) => [p.id, p.path, p.template, p.title, p.revisions[0]?.state])).toEqual([
      ['plots-loss', 'plots/loss.csv', 'linear', 'Loss', 'found'],
      ['plots-roc', 'plots/roc.json', 'linear', 'plots/roc.json', 'found'],
      ['sub-cm', 'sub/cm.yaml', 'confusion', 'sub/cm.yaml', 'found'],
      ['plots-gone', 'plots/gone.json', 'linear', 'plots/gone.json', 'missing'],
    ]);
    expect(set.plots[0]?.revisions[0]).toMatchObject({ rows: [{ epoch: 1, loss: 0.9 }, { epoch: 2, loss: 0.5 }] });
    expect(set.warnings).toEqual(['plots/gone.json is missing in the workspace: the file does not exist there']);
  });

  it('notes a file that cannot be parsed as missing, with the parser’s reason', async () => {
    const root = workspace({ 'pipeline.yaml': PIPELINE, 'plots/roc.json': '[{"fpr": 0,' });
    const set = await loadPlots({ root, revisions: ['workspace'], targets: ['plots/roc.json'] });
    expect(set.plots).toHaveLength(1);
    expect(set.warnings[0]).toMatch(/^plots\/roc\.json is missing in the workspace: it cannot be read as JSON or YAML \(line \d+, column \d+: /);
  });

  it('selects targets: a declared file, a directory of plots, an undeclared file (default props)', async () => {
    const root = workspace({
      'pipeline.yaml': PIPELINE,
      'plots/loss.csv': 'epoch,loss\n1,0.9\n',
      'plots/roc.json': '[{"fpr": 0, "tpr": 0}]',
      'extra/scores.tsv': 'step\tscore\n0\t1\n',
    });
    const byDir = await loadPlots({ root, revisions: [], targets: ['plots'] });
    expect(byDir.plots.map((p) => p.path)).toEqual(['plots/loss.csv', 'plots/roc.json', 'plots/gone.json']);
    const adHoc = await loadPlots({ root, revisions: [], targets: ['extra/scores.tsv', 'sub/cm.yaml'] });
    expect(adHoc.plots.map((p) => [p.path, p.template, p.y])).toEqual([
      ['extra/scores.tsv', 'linear', ['score']],
      ['sub/cm.yaml', 'confusion', ['predicted']],
    ]);
  });

  it('refuses a target that is neither declared nor a file (USAGE, exit 2), listing the plots', async () => {
    const root = workspace({ 'pipeline.yaml': PIPELINE });
    await expect(loadPlots({ root, revisions: [], targets: ['plots/nope.json'] })).rejects.toMatchObject({
      code: 'USAGE',
      message: "no plot 'plots/nope.json': no pipeline.yaml declares it and it is not a file in the workspace; the plots are: plots/loss.csv, plots/roc.json, sub/cm.yaml, plots/gone.json",
    });
  });

  it('fails with PLOT_FAILED when the data lacks the field the plot names', async () => {
    const root = workspace({ 'pipeline.yaml': PIPELINE, 'plots/roc.json': '[{"fpr": 0, "recall": 0}]' });
    await expect(loadPlots({ root, revisions: [], targets: ['plots/roc.json'] })).rejects.toMatchObject({
      code: 'PLOT_FAILED',
      data: { path: 'plots/roc.json', revision: 'workspace' },
      message: expect.stringContaining("in the workspace it has no field 'tpr' (its fields: fpr, recall)"),
    });
  });

  it('reads no plots when pipeline.yaml is not readable, and says so', async () => {
    const root = workspace({ 'pipeline.yaml': 'stages: [unclosed\n' });
    const set = await loadPlots({ root, revisions: [] });
    expect(set.plots).toEqual([]);
    expect(set.warnings[0]).toMatch(/^pipeline\.yaml in the workspace cannot be read \(.*\); what it declares is left out$/);
  });
});
