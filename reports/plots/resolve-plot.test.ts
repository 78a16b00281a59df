import { describe, expect, it } from 'vitest';
import { isPipeError } from '../../runner/index.js';
import type { PlotAtRevision, PlotRow } from './plot.js';
import { resolvePlot } from './resolve-plot.js';

const HEAD = { name: 'HEAD', commit: 'a'.repeat(40) };
const WS = { name: 'workspace' };
const found = (revision: typeof HEAD | typeof WS, rows: PlotRow[]): PlotAtRevision => ({ revision, state: 'found', rows });

describe('resolvePlot', () => {
  it('defaults like DVC: linear, x the row index (step), y the last field, the path as title', () => {
    const warnings: string[] = [];
    const plot = resolvePlot({ id: 'p', path: 'p.json', props: {}, revisions: [found(WS, [{ epoch: 1, acc: 0.5, loss: 2 }])] }, warnings);
    expect(plot).toMatchObject({ template: 'linear', y: ['loss'], xLabel: 'step', yLabel: 'loss', title: 'p.json' });
    expect(plot.x).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('defaults confusion plots to actual × predicted, and labels from the fields', () => {
    const plot = resolvePlot(
      { id: 'c', path: 'c.json', props: { template: 'confusion' }, revisions: [found(WS, [{ actual: 1, predicted: 0 }])] },
      [],
    );
    expect(plot).toMatchObject({ template: 'confusion', x: 'actual', y: ['predicted'], xLabel: 'actual', yLabel: 'predicted' });
  });

  it('keeps declared props, y as a list, and falls back to linear (with a warning) for an unknown template', () => {
    const warnings: string[] = [];
    const plot = resolvePlot(
      {
        id: 'p',
        path: 'p.json',
        props: { template: 'spline', x: 'e', y: ['a', 'b'], title: 'T', x_label: 'epoch', y_label: 'score' },
        revisions: [found(WS, [{ e: 1, a: 1, b: 2 }])],
      },
      warnings,
    );
    expect(plot).toMatchObject({ template: 'linear', x: 'e', y: ['a', 'b'], title: 'T', xLabel: 'epoch', yLabel: 'score' });
    expect(warnings).toEqual(["p.json: unknown template 'spline' (known: linear, scatter, smooth, bar, confusion, confusion_normalized); drawn as linear"]);
  });

  it('leaves out a revision whose data lacks a field, with the reason, when another revision has it', () => {
    const plot = resolvePlot(
      { id: 'r', path: 'roc.json', props: { x: 'fpr', y: 'tpr' }, revisions: [found(HEAD, [{ fpr: 0, rate: 0 }]), found(WS, [{ fpr: 0, tpr: 0 }])] },
      [],
    );
    expect(plot.revisions.map((r) => r.state)).toEqual(['missing', 'found']);
    expect(plot.revisions[0]).toMatchObject({ reason: "it has no field 'tpr' (its fields: fpr, rate)" });
  });

  it('fails with PLOT_FAILED naming the file, the field and the revision when no revision has the field', () => {
    const run = () =>
      resolvePlot(
        {
          id: 'r',
          path: 'roc.json',
          props: { x: 'fpr', y: 'tpr' },
          revisions: [{ revision: HEAD, state: 'missing', reason: 'the file does not exist there' }, found(WS, [{ fpr: 0, threshold: 1 }])],
        },
        [],
      );
    expect(run).toThrow(
      "cannot plot roc.json: in the workspace it has no field 'tpr' (its fields: fpr, threshold); fix the plot's x/y in pipeline.yaml (template linear) or the stage that writes the file",
    );
    try {
      run();
    } catch (err) {
      expect(isPipeError(err, 'PLOT_FAILED')).toBe(true);
      expect((err as { data: unknown }).data).toEqual({ path: 'roc.json', revision: 'workspace' });
    }
  });

  it('fails when the y field of a drawn template holds no number at all', () => {
    expect(() =>
      resolvePlot({ id: 'b', path: 'b.csv', props: { template: 'bar', x: 'k', y: 'v' }, revisions: [found(HEAD, [{ k: 'a', v: 'high' }])] }, []),
    ).toThrow("cannot plot b.csv: at HEAD it has no numbers in field 'v'");
  });

  it('keeps a plot that is missing everywhere (nothing to check): it is drawn as missing, not an error', () => {
    const plot = resolvePlot({ id: 'm', path: 'm.json', props: {}, revisions: [{ revision: WS, state: 'missing', reason: 'the file does not exist there' }] }, []);
    expect(plot.revisions[0]?.state).toBe('missing');
    expect(plot.y).toEqual([]);
  });
});
