/** @module `pipe report [--base REV] [-o FILE] [--post]`: the pull request's report in Markdown, with its plots next to it; optionally posted to GitHub. */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { PipeError, defineCommand, diffOutputOptions, findRoot, outputOptions } from '../../runner/command/index.js';
import type { ReportPlot } from '../report/plots-section.js';

export const report = defineCommand({
  name: 'report',
  description: `
Writes a GitHub-flavoured Markdown report comparing the workspace (the head) with a base
revision: a title with the branch and commit, the gate verdict first (pipe gate's rules),
the metrics (base, head, change, % change, better/worse by the metric's direction), the params
that changed, the data-validation results when a metrics file holds one, what the last
'pipe repro' ran or restored and how long each stage took, and the plots.

Plots are rendered to SVG and PNG next to the report (FILE's name + '-plots/', or pipe_plots/
when the report goes to stdout) and shown inline as Mermaid xychart-beta blocks (confusion
matrices as tables), which GitHub renders in comments without hosting any image.

--base defaults to the pull request's base branch in CI (origin/$GITHUB_BASE_REF), else HEAD.

--post (in GitHub Actions) creates the pull request's report comment, or updates the one an
earlier run created, and sets the commit status 'pipe/gate' to the verdict. It needs
GITHUB_TOKEN (pull-requests: write, statuses: write), GITHUB_REPOSITORY and GITHUB_EVENT_PATH;
GITHUB_API_URL for GitHub Enterprise. A report over GitHub's 65,536-character limit is
shortened (large tables and plots collapsed, pointing at the full file). --dry-run prints the
requests instead of sending them. The exit code is 0 whatever the verdict: 'pipe gate' is the
step that fails a job.`,
  options: {
    base: { type: 'string', valueName: 'REV', help: 'compare against this revision (default: the PR base in CI, else HEAD)' },
    target: { type: 'string', valueName: 'BRANCH', help: "the branch the change goes into, for gate rules with 'branches:'" },
    output: { type: 'string', short: 'o', valueName: 'FILE', help: 'write the report to FILE (default: stdout)' },
    'no-plots': { type: 'boolean', help: 'leave the plots out (faster)' },
    exp: { type: 'boolean', help: "add the table of HEAD's experiments (pipe exp show)" },
    post: { type: 'boolean', help: 'post it to the pull request and set the pipe/gate commit status (GitHub Actions)' },
    'dry-run': { type: 'boolean', help: 'with --post: print the GitHub requests, send nothing' },
    precision: diffOutputOptions('').precision,
  },
  async run({ options, io }) {
    const { precision } = outputOptions('report', options, 'Metric');
    const [{ collectReport }, { renderReport }, { writeFileAtomic }] = await Promise.all([
      import('../report/collect-report.js'),
      import('../report/render-report.js'),
      import('../../runner/index.js'),
    ]);
    const root = findRoot(io.cwd);
    const data = await collectReport({ root, base: options.base, target: options.target });
    for (const p of data.problems) io.err(`warning: ${p}\n`);

    const file = options.output === undefined ? undefined : resolve(io.cwd, options.output);
    const reportDir = file ? dirname(file) : io.cwd;
    let plots: ReportPlot[] | undefined;
    let plotsFailure: string | undefined;
    if (!options['no-plots']) {
      const outDir = file ? join(reportDir, `${basename(file, extname(file))}-plots`) : join(root, 'pipe_plots');
      const { reportPlots } = await import('../report/report-plots.js');
      const r = await reportPlots({ root, revisions: [data.base.name, data.head.name], outDir, relativeTo: reportDir });
      plots = r.plots;
      plotsFailure = r.failure;
      for (const n of r.notes) io.err(`${r.failure === n ? 'warning' : 'note'}: ${n}\n`);
    }
    const experiments = options.exp ? await (await import('../../exp/index.js')).experimentsSection({ root, precision }) : undefined;
    const markdown = renderReport(data, { precision, plots, plotsFailure, linkFiles: true, experiments });
    if (file) {
      try {
        mkdirSync(reportDir, { recursive: true });
        writeFileAtomic(file, markdown);
      } catch (err) {
        const reason = (err as NodeJS.ErrnoException).code ?? 'error';
        throw new PipeError('PATH_INVALID', `cannot write the report to ${file}: ${(err as Error).message}; choose another file with -o`, { path: file, reason }, { cause: err });
      }
      io.err(`report written to ${relative(io.cwd, file) || file}\n`);
    } else if (!options.post) {
      io.out(markdown);
    }
    if (!options.post) {
      if (options['dry-run']) io.err('note: --dry-run only matters with --post\n');
      return 0;
    }
    const [{ postReport }, { gateSentence }] = await Promise.all([import('../github/index.js'), import('../gate/render-gate.js')]);
    const fullReportPath = file && existsSync(file) ? toPosix(relative(root, file)) : undefined;
    // Shortened to GitHub's comment limit by postReport when it must be.
    const r = await postReport({
      markdown: renderReport(data, { precision, plots, plotsFailure, linkFiles: false, experiments }),
      verdict: { state: data.gate.passed ? 'success' : 'failure', description: `gate ${gateSentence(data.gate)}` },
      fullReportPath,
      dryRun: options['dry-run'],
      out: (line) => io.out(`${line}\n`),
    });
    if (r.comment) io.err(`report comment ${r.comment.action}: ${r.comment.url}\n`);
    io.err(`commit status ${r.status.context}: ${r.status.state}\n`);
    return 0;
  },
});

function toPosix(p: string): string {
  return p.split(sep).join('/');
}
