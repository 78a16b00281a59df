/** @module `pipe plots show|diff` on real git history: SVG, PNG and HTML output, overlays of revisions, missing data, errors, and the page in headless Chromium. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { commitAll, git } from '../helpers/git.js';
import { runPipe } from '../helpers/pipe.js';
import { makeRepo, ok, removeRepos, template, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

const BLUE = '#4c78a8';
const ORANGE = '#f58518';

const PIPELINE_1 = `stages:
  train:
    cmd: echo train
    plots:
      - plots/loss.csv: {x: epoch, y: loss, title: Training loss, y_label: cross-entropy}
  evaluate:
    cmd: echo evaluate
    plots:
      - plots/cm.json: {template: confusion, x: actual, y: predicted, title: Confusion}
`;
const PIPELINE_2 = `${PIPELINE_1}      - plots/pr.yaml: {template: scatter, x: recall, y: precision, title: Precision and recall}
`;

const loss = (k: number) => `epoch,loss\n${Array.from({ length: 15 }, (_, i) => `${i + 1},${(k / (i + 1)).toFixed(4)}`).join('\n')}\n`;
const cm = (tp: number) =>
  JSON.stringify([
    { actual: 0, predicted: 0, count: 50 },
    { actual: 0, predicted: 1, count: 10 },
    { actual: 1, predicted: 0, count: 40 - tp },
    { actual: 1, predicted: 1, count: tp },
  ]);

/** c1: loss and confusion; c2 (HEAD): new values, and a scatter plot that c1 lacks. */
const history = template(async () => {
  const repo = makeRepo({ 'pipeline.yaml': PIPELINE_1, 'plots/loss.csv': loss(1), 'plots/cm.json': cm(25) });
  commitAll(repo, 'c1');
  repo.write('pipeline.yaml', PIPELINE_2);
  repo.write('plots/loss.csv', loss(0.8));
  repo.write('plots/cm.json', cm(32));
  repo.write('plots/pr.yaml', '- {recall: 0.1, precision: 0.9}\n- {recall: 0.5, precision: 0.7}\n- {recall: 0.9, precision: 0.4}\n');
  commitAll(repo, 'c2');
  return repo;
});

const svgOf = (repo: Repo, id: string, dir = 'pipe_plots') => repo.read(`${dir}/${id}.svg`);

describe('pipe plots diff', () => {
  it('overlays two commits, one colour per revision named in the legend; prints the page; notes a plot one commit lacks', async () => {
    const repo = await history();
    const r = await ok(repo, ['plots', 'diff', 'HEAD~1', 'HEAD']);
    expect(r.stdout).toBe(`${repo.path('pipe_plots/index.html')}\n`);
    expect(r.stderr).toBe('warning: plots/pr.yaml is missing at HEAD~1: the file does not exist there\n');
    expect(readdirSync(repo.path('pipe_plots')).sort()).toEqual(
      ['index.html', 'plots-cm.png', 'plots-cm.svg', 'plots-loss.png', 'plots-loss.svg', 'plots-pr.png', 'plots-pr.svg'],
    );

    const lossSvg = svgOf(repo, 'plots-loss');
    expect(lossSvg).toContain('>Training loss</text>');
    expect(lossSvg).toContain('>cross-entropy</text>');
    expect(lossSvg.match(new RegExp(`<path [^>]*stroke="${BLUE}"`, 'g'))?.length).toBeGreaterThanOrEqual(1);
    expect(lossSvg.match(new RegExp(`<path [^>]*stroke="${ORANGE}"`, 'g'))?.length).toBeGreaterThanOrEqual(1);
    expect(lossSvg).toContain('>HEAD~1</text>');
    expect(lossSvg).toContain('>HEAD</text>');

    const cmSvg = svgOf(repo, 'plots-cm');
    for (const text of ['>HEAD~1</text>', '>HEAD</text>', '>25</text>', '>32</text>']) expect(cmSvg).toContain(text);

    const prSvg = svgOf(repo, 'plots-pr');
    expect(prSvg).toContain('>missing at HEAD~1: the file does not exist there</text>');
    expect(prSvg).toContain('mark-symbol');
    expect(prSvg).toContain(`fill="${ORANGE}"`);

    const html = repo.read('pipe_plots/index.html');
    expect(html).toContain('<p class="missing">Missing at <strong>HEAD~1</strong>: the file does not exist there.</p>');
    expect(html.match(/<figure><svg /g)).toHaveLength(3);
    const png = readFileSync(repo.path('pipe_plots/plots-loss.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(8_000);
  });

  it('compares HEAD with the workspace by default; --json lists the files, revisions and vega-lite specs', async () => {
    const repo = await history();
    repo.write('plots/loss.csv', loss(0.5));
    const r = await ok(repo, ['plots', 'diff', '--json']);
    const out = JSON.parse(r.stdout) as {
      index: string;
      revisions: { rev: string; commit: string | null }[];
      plots: { id: string; path: string; svg: string; png: string; missing: string[]; spec: { $schema: string } }[];
    };
    expect(out.index).toBe(repo.path('pipe_plots/index.html'));
    expect(out.revisions).toEqual([
      { rev: 'HEAD', commit: git(repo, 'rev-parse', 'HEAD').trim() },
      { rev: 'workspace', commit: null },
    ]);
    expect(out.plots.map((p) => [p.id, p.path, p.missing])).toEqual([
      ['plots-loss', 'plots/loss.csv', []],
      ['plots-cm', 'plots/cm.json', []],
      ['plots-pr', 'plots/pr.yaml', []],
    ]);
    for (const p of out.plots) {
      expect(existsSync(p.svg) && existsSync(p.png)).toBe(true);
      expect(p.spec.$schema).toMatch(/vega-lite/);
    }
    const lossSvg = svgOf(repo, 'plots-loss');
    expect(lossSvg).toContain('>workspace</text>');
    expect(lossSvg).toContain(`stroke="${ORANGE}"`);
  });

  it('shows a file that cannot be parsed at a revision as missing, exit 0', async () => {
    const repo = await history();
    repo.write('plots/cm.json', '[{"actual": 0,');
    const r = await ok(repo, ['plots', 'diff']);
    expect(r.stderr).toMatch(/^warning: plots\/cm\.json is missing in the workspace: it cannot be read as JSON or YAML \(line \d+, column \d+: .*\)\n$/);
    expect(svgOf(repo, 'plots-cm')).toContain('>missing at workspace: it cannot be read as JSON or YAML');
    expect(repo.read('pipe_plots/index.html')).toContain('Missing at <strong>workspace</strong>: it cannot be read as JSON or YAML');
  });

  it("uses each revision's own pipeline.yaml: a field renamed in the workspace leaves HEAD out, with a note", async () => {
    const repo = await history();
    repo.write('pipeline.yaml', PIPELINE_2.replace('y: loss', 'y: val_loss'));
    repo.write('plots/loss.csv', loss(0.7).replace('epoch,loss', 'epoch,val_loss'));
    const r = await ok(repo, ['plots', 'diff', '--target', 'plots/loss.csv']);
    expect(r.stderr).toBe("warning: plots/loss.csv is missing at HEAD: it has no field 'val_loss' (its fields: epoch, loss)\n");
    expect(readdirSync(repo.path('pipe_plots')).sort()).toEqual(['index.html', 'plots-loss.png', 'plots-loss.svg']);
  });

  it('a field the data lacks at every revision is an error naming the file, field and revision (exit 1), and writes nothing', async () => {
    const repo = await history();
    repo.write('pipeline.yaml', PIPELINE_2.replace('y: loss', 'y: lossy'));
    const r = await repo.pipe(['plots', 'diff']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "error: cannot plot plots/loss.csv: at HEAD it has no field 'lossy' (its fields: epoch, loss); in the workspace it has no field 'lossy' (its fields: epoch, loss); fix the plot's x/y in pipeline.yaml (template linear) or the stage that writes the file\n",
    );
    expect(r.stdout).toBe('');
    expect(repo.exists('pipe_plots')).toBe(false);
  });

  it('an image declared as a plot is shown as it is at each revision (DVC image plots): copied beside the plots, inline in index.html and in a report file', async () => {
    const repo = await history();
    repo.write('pipeline.yaml', `${PIPELINE_1}      - plots/roc.png: {title: ROC}\n`);
    // A PNG signature and 4 MB of bytes that are not text: never parsed as data, never printed.
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(4 << 20, 'a:\u0001\u00ff ')]);
    writeFileSync(join(repo.dir, 'plots/roc.png'), png);

    const show = await repo.pipe(['plots', 'diff']);
    expect(show.code).toBe(0);
    expect(show.stderr).toContain('warning: plots/roc.png is missing at HEAD: the file does not exist there');
    const copies = readdirSync(repo.path('pipe_plots')).filter((f) => f.startsWith('plots-roc'));
    expect(copies).toEqual(['plots-roc.1-workspace.png']);
    expect(readFileSync(repo.path('pipe_plots/plots-roc.1-workspace.png')).equals(png)).toBe(true);
    const html = readFileSync(repo.path('pipe_plots/index.html'), 'utf8');
    expect(html).toContain('<h2>ROC</h2>');
    expect(html).toContain(`src="data:image/png;base64,${png.toString('base64').slice(0, 64)}`);
    expect(html).toContain('Missing at <strong>HEAD</strong>');

    const report = await repo.pipe(['report', '--base', 'HEAD', '-o', 'report.md']);
    expect(report.code).toBe(0);
    expect(repo.read('report.md')).toContain('![plots/roc.png at workspace](report-plots/plots-roc.1-workspace.png)');
    expect(report.stdout + report.stderr).not.toContain('a:\u0001');
  });

  it('a binary file that is not an image, declared as a plot, is refused at once, naming the file (exit 2): neither parsed nor printed', async () => {
    const repo = await history();
    repo.write('pipeline.yaml', `${PIPELINE_1}      - plots/roc.bin: {title: ROC}\n`);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(1 << 20, 'a:\u0001\u00ff ')]);
    writeFileSync(join(repo.dir, 'plots/roc.bin'), png);
    const message =
      'error: cannot plot plots/roc.bin: in the workspace it is a PNG image, not plot data; a plot file holds a table (JSON, YAML, CSV or TSV), or is an image named .png, .jpg, .jpeg, .gif, .svg or .webp\n';
    for (const args of [['plots', 'show'], ['plots', 'diff'], ['report', '--base', 'HEAD']]) {
      const r = await repo.pipe(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(message);
    }
    expect(repo.exists('pipe_plots')).toBe(false);
  });

  it('unknown revisions, extra arguments and bad flags exit 2', async () => {
    const repo = await history();
    const nope = await repo.pipe(['plots', 'diff', 'nope']);
    expect(nope.code).toBe(2);
    expect(nope.stderr).toBe("error: unknown revision 'nope': not a branch, tag or commit in this repository\n");
    const many = await repo.pipe(['plots', 'diff', 'HEAD', 'HEAD~1', 'HEAD']);
    expect(many.code).toBe(2);
    expect(many.stderr).toBe("error: unexpected argument 'HEAD': it takes [A] [B] (pipe plots diff); see 'pipe help plots diff'\n");
    const flag = await repo.pipe(['plots', 'diff', '--colour']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--colour'");
    const sub = await repo.pipe(['plots']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toBe("error: pipe plots needs a subcommand: show, diff; see 'pipe help plots'\n");
    expect(repo.exists('pipe_plots')).toBe(false);
  });
});

describe('pipe plots show', () => {
  it('renders the workspace only; TARGETs are relative to the current directory, and so is -o DIR', async () => {
    const repo = await history();
    mkdirSync(repo.path('sub'));
    const r = await runPipe(repo.path('sub'), ['plots', 'show', '../plots/cm.json', '-o', 'out']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${repo.path('sub/out/index.html')}\n`);
    expect(readdirSync(repo.path('sub/out')).sort()).toEqual(['index.html', 'plots-cm.png', 'plots-cm.svg']);
    const svg = repo.read('sub/out/plots-cm.svg');
    expect(svg).toContain('>32</text>');
    expect(svg).not.toContain('>HEAD</text>');
    const outside = await repo.pipe(['plots', 'show', '../elsewhere.json']);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toBe("error: target '../elsewhere.json' escapes the repository; see 'pipe help plots'\n");
  });

  it('refuses an unknown target and an output directory it did not write (exit 2)', async () => {
    const repo = await history();
    const t = await repo.pipe(['plots', 'show', 'plots/nope.json']);
    expect(t.code).toBe(2);
    expect(t.stderr).toBe(
      "error: no plot 'plots/nope.json': no pipeline.yaml declares it and it is not a file in the workspace; the plots are: plots/loss.csv, plots/cm.json, plots/pr.yaml\n",
    );
    const o = await repo.pipe(['plots', 'show', '-o', 'plots']);
    expect(o.code).toBe(2);
    expect(o.stderr).toBe(
      `error: will not write plots to ${repo.path('plots')}: it holds files that pipe did not write; choose another directory with -o, or remove it\n`,
    );
    expect(readdirSync(repo.path('plots')).sort()).toEqual(['cm.json', 'loss.csv', 'pr.yaml']);
  });

  it("draws the example pipeline's five plots (HEAD against a changed workspace)", async () => {
    const root = new URL('../../', import.meta.url);
    const files: Record<string, string> = { 'pipeline.yaml': readFileSync(new URL('pipeline.yaml', root), 'utf8') };
    for (const f of readdirSync(new URL('plots/', root))) files[`plots/${f}`] = readFileSync(new URL(`plots/${f}`, root), 'utf8');
    const repo = makeRepo(files);
    commitAll(repo, 'example');
    const roc = JSON.parse(files['plots/roc.json'] ?? '[]') as { fpr: number; tpr: number }[];
    repo.write('plots/roc.json', JSON.stringify(roc.map((p) => ({ ...p, tpr: p.tpr * 0.95 }))));
    const r = await ok(repo, ['plots', 'diff', 'HEAD']);
    expect(r.stderr).toBe('');
    expect(readdirSync(repo.path('pipe_plots')).filter((f) => f.endsWith('.png'))).toHaveLength(5);
  });
});

/** The little of the DOM the page checks use (the project's tsconfig has no DOM library). */
interface BrowserElement {
  getBoundingClientRect(): { width: number; height: number };
  querySelectorAll(selector: string): ArrayLike<BrowserElement>;
}
interface BrowserGlobals {
  document: { querySelectorAll(selector: string): Iterable<BrowserElement> };
  DOMParser: new () => {
    parseFromString(text: string, type: string): { documentElement: { nodeName: string }; getElementsByTagName(name: string): ArrayLike<unknown> };
  };
}

// Debian's chromium (.ci/run installs it), or the Chrome that GitHub's Ubuntu runners carry, or CHROME_PATH.
const BROWSERS = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/google-chrome'].filter((p): p is string => Boolean(p));
const CHROMIUM = BROWSERS.find((p) => existsSync(p)) ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
// In CI the check must run: a missing browser there is a failure, not a skip.
if (!haveChromium && process.env.CI) throw new Error(`plots.test.ts: no browser at ${BROWSERS.join(', ')}; CI must run the headless-browser check of index.html`);
if (!haveChromium) console.warn(`plots.test.ts: no browser at ${BROWSERS.join(', ')}; skipping the headless-browser check of index.html (.ci/run installs chromium)`);

describe('the HTML page', () => {
  it.skipIf(!haveChromium)('opens offline in headless Chromium without console errors, failed or outside requests, and every SVG parses', async () => {
    const repo = await history();
    await ok(repo, ['plots', 'diff', 'HEAD~1', 'HEAD']);
    const { chromium } = await import('playwright-core');
    const profile = mkdtempSync(join(tmpdir(), 'pipe-chromium-'));
    // A persistent context is how Playwright takes a fresh --user-data-dir.
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
      page.on('request', (req) => requests.push(req.url()));
      const url = pathToFileURL(repo.path('pipe_plots/index.html')).href;
      await page.goto(url, { waitUntil: 'load' });
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      expect(await page.title()).toBe('Plots: HEAD~1 vs HEAD');
      const figures = await page.evaluate(() =>
        [...(globalThis as unknown as BrowserGlobals).document.querySelectorAll('figure svg')].map((svg) => {
          const box = svg.getBoundingClientRect();
          return { width: box.width, height: box.height, marks: svg.querySelectorAll('path, rect').length };
        }),
      );
      expect(figures).toHaveLength(3);
      for (const f of figures) {
        expect(f.width).toBeGreaterThan(300);
        expect(f.height).toBeGreaterThan(150);
        expect(f.marks).toBeGreaterThan(5);
      }
      const svgs = ['plots-loss', 'plots-cm', 'plots-pr'].map((id) => svgOf(repo, id));
      const parsed = await page.evaluate(
        (texts) =>
          texts.map((t) => {
            const doc = new (globalThis as unknown as BrowserGlobals).DOMParser().parseFromString(t, 'image/svg+xml');
            return { root: doc.documentElement.nodeName, errors: doc.getElementsByTagName('parsererror').length };
          }),
        svgs,
      );
      expect(parsed).toEqual(svgs.map(() => ({ root: 'svg', errors: 0 })));
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
