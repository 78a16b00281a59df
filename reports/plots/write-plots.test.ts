import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { loadPlots } from './load-plots.js';
import { writePlots } from './write-plots.js';

function workspace(files: Record<string, string>): string {
  const root = tempDir('pipe-plots-write-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const curve = JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ step: i, loss: 1 / (i + 1), acc: i / 40 })));
const cells = JSON.stringify([
  { actual: 'churn', predicted: 'churn', count: 30 },
  { actual: 'churn', predicted: 'stay', count: 10 },
  { actual: 'stay', predicted: 'churn', count: 5 },
  { actual: 'stay', predicted: 'stay', count: 55 },
]);
/** Each template, with the vega mark class its SVG must contain. */
const TEMPLATES = [
  { template: 'linear', file: 'curve.json', marks: 'mark-line' },
  { template: 'scatter', file: 'curve.json', marks: 'mark-symbol' },
  { template: 'smooth', file: 'curve.json', marks: 'mark-line' },
  { template: 'bar', file: 'bars.csv', marks: 'mark-rect' },
  { template: 'confusion', file: 'cm.json', marks: 'mark-rect' },
  { template: 'confusion_normalized', file: 'cm.json', marks: 'mark-rect' },
] as const;

const FIELDS: Record<string, string> = { 'curve.json': ', x: step, y: [loss, acc]', 'bars.csv': ', x: model, y: score', 'cm.json': '' };

function pipelineFor(plots: string[]): string {
  return `stages:\n  s:\n    cmd: x\n    plots:\n${plots.map((p) => `      - ${p}\n`).join('')}`;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('writePlots', () => {
  it('draws every template as an SVG with its title and marks, a sharp PNG, and an index page', async () => {
    const root = workspace({
      'plots/curve.json': curve,
      'plots/bars.csv': 'model,score\nmlp,0.86\nlogreg,0.81\ntree,0.78\n',
      'plots/cm.json': cells,
      'pipeline.yaml': pipelineFor(
        TEMPLATES.map(
          (t, i) =>
            `plots/${i}/${t.file}: {template: ${t.template}, title: "Title of ${t.template}"${FIELDS[t.file]}}`,
        ),
      ),
    });
    for (const [i, t] of TEMPLATES.entries()) {
      mkdirSync(join(root, `plots/${i}`), { recursive: true });
      writeFileSync(join(root, `plots/${i}/${t.file}`), readFileSync(join(root, `plots/${t.file}`)));
    }
    const outDir = join(root, 'out');
    const written = await writePlots(await loadPlots({ root, revisions: [] }), { outDir });

    expect(written.index).toBe(join(outDir, 'index.html'));
    expect(written.plots.map((p) => p.template)).toEqual(TEMPLATES.map((t) => t.template));
    for (const [i, t] of TEMPLATES.entries()) {
      const p = written.plots[i];
      if (!p) throw new Error(`no plot for ${t.template}`);
      expect(p).toMatchObject({ id: `plots-${i}-${t.file.replace(/\..*$/, '')}`, path: `plots/${i}/${t.file}`, missing: [], svg: join(outDir, `${p.id}.svg`) });
      const svg = readFileSync(p.svg, 'utf8');
      expect(svg.startsWith('<svg'), t.template).toBe(true);
      expect(svg).toContain(`>Title of ${t.template}</text>`);
      expect(svg).toContain(t.marks);
      expect(svg).toContain('font-family="DejaVu Sans"');
      // resvg parses SVG with a strict XML parser: malformed markup throws here.
      expect(new Resvg(svg).width).toBeGreaterThan(300);
      const png = readFileSync(p.png);
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      const { width, height } = pngSize(png);
      expect(width, t.template).toBeGreaterThan(600);
      expect(width).toBeLessThan(4000);
      expect(height).toBeGreaterThan(200);
      expect(png.length).toBeGreaterThan(8_000);
    }
    const bars = readFileSync(written.plots[3]?.svg ?? '', 'utf8');
    for (const label of ['mlp', 'logreg', 'tree']) expect(bars).toContain(`>${label}</text>`);
    const cm = readFileSync(written.plots[4]?.svg ?? '', 'utf8');
    for (const n of ['30', '10', '5', '55']) expect(cm).toContain(`>${n}</text>`);
    const normalized = readFileSync(written.plots[5]?.svg ?? '', 'utf8');
    for (const share of ['75.0%', '25.0%', '8.3%', '91.7%']) expect(normalized).toContain(`>${share}</text>`);
    // Two y fields at one revision: one colour per field, named in the legend.
    const linear = readFileSync(written.plots[0]?.svg ?? '', 'utf8');
    expect(linear).toContain('stroke="#4c78a8"');
    expect(linear).toContain('stroke="#f58518"');
    expect(linear).toContain('>loss</text>');
    expect(linear).toContain('>acc</text>');

    const html = readFileSync(written.index, 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(TEMPLATES.length);
    expect(html).not.toMatch(/<script|\bsrc=|href="https?:/);
    expect(readdirSync(outDir).sort()).toEqual(['index.html', ...written.plots.flatMap((p) => [`${p.id}.png`, `${p.id}.svg`])].sort());
  });

  it('draws a plot missing at every revision as a note, and the page says why', async () => {
    const root = workspace({ 'pipeline.yaml': pipelineFor(['plots/absent.json: {title: Absent}']) });
    const written = await writePlots(await loadPlots({ root, revisions: [] }), { outDir: join(root, 'out') });
    expect(written.plots[0]).toMatchObject({ missing: ['workspace'], notes: [{ revision: 'workspace', reason: 'the file does not exist there' }] });
    const svg = readFileSync(written.plots[0]?.svg ?? '', 'utf8');
    expect(svg).toContain('>No data at workspace</text>');
    expect(svg).toContain('>missing at workspace: the file does not exist there</text>');
    expect(readFileSync(written.index, 'utf8')).toContain('<p class="missing">Missing at <strong>workspace</strong>: the file does not exist there.</p>');
  });

  it('replaces its own earlier output, and refuses a directory it did not write', async () => {
    const root = workspace({ 'pipeline.yaml': pipelineFor(['p.json']), 'p.json': '[{"y": 1}, {"y": 2}]' });
    const outDir = join(root, 'out');
    const set = await loadPlots({ root, revisions: [] });
    await writePlots(set, { outDir });
    writeFileSync(join(outDir, 'stale.svg'), 'old');
    await writePlots(set, { outDir });
    expect(readdirSync(outDir).sort()).toEqual(['index.html', 'p.png', 'p.svg']);
    expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);

    const foreign = join(root, 'src');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'keep.ts'), 'export {};');
    await expect(writePlots(set, { outDir: foreign })).rejects.toMatchObject({
      code: 'PATH_INVALID',
      message: `will not write plots to ${foreign}: it holds files that pipe did not write; choose another directory with -o, or remove it`,
    });
    expect(existsSync(join(foreign, 'keep.ts'))).toBe(true);
  });
});
