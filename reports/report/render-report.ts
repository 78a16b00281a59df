/** @module Assembles the report's Markdown: title, gate verdict first, then metrics, params, data validation, stages and plots. */
import type { ReportData } from './collect-report.js';
import { gateSection } from './gate-section.js';
import { metricsSection } from './metrics-section.js';
import { paramsSection } from './params-section.js';
import { plotsSection, type ReportPlot } from './plots-section.js';
import { stagesSection } from './stages-section.js';
import { validationSection } from './validation-section.js';

export interface RenderReportOptions {
  readonly precision: number;
  /** Undefined: plots were not asked for (--no-plots), and the section is left out. */
  readonly plots: readonly ReportPlot[] | undefined;
  /** Why no plot could be drawn, when that is so. */
  readonly plotsFailure?: string;
  readonly linkFiles: boolean;
  /** `pipe report --exp`: the experiments section (exp/), placed after the plots. */
  readonly experiments?: string;
}

/** A tagger date (seconds) as YYYY-MM-DD, UTC. */
function isoDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

export function renderReport(r: ReportData, { precision, plots, plotsFailure, linkFiles, experiments }: RenderReportOptions): string {
  const short = (c: string | undefined) => (c ? c.slice(0, 7) : undefined);
  const where = [r.branch && `\`${r.branch}\``, short(r.headCommit) && `@ \`${short(r.headCommit)}\``].filter(Boolean).join(' ');
  const baseCommit = short(r.base.commit);
  const baseModel = r.base.model ? `${r.base.model.artifact}@${r.base.model.version}` : undefined;
  const baseDetail = [baseModel !== r.base.name && baseModel && `\`${baseModel}\``, baseCommit && baseCommit !== r.base.name && `\`${baseCommit}\``].filter(Boolean).join(' at ');
  const released = r.released.map((x) => (x.holder ? `\`${x.artifact}@${x.holder.version}\` (\`${short(x.holder.commit)}\`, since ${isoDate(x.holder.since)})` : `no version of \`${x.artifact}\``));
  const sections = [
    `# pipe report${where ? `: ${where}` : ''}`,
    [
      `Head: the workspace${r.headCommit ? ` of \`${short(r.headCommit)}\`` : ''} · Base: \`${r.base.name}\`${baseDetail ? ` (${baseDetail})` : ''}`,
      ...(released.length ? [`In ${r.released[0]?.stage}: ${released.join(', ')}`] : []),
    ].join(' · '),
    gateSection(r.gate, precision),
    metricsSection(r.metrics, { precision, rules: r.pipeline.gates, skip: new Set(r.validation.map((v) => v.path)) }),
    paramsSection(r.params, precision),
  ];
  if (r.validation.length) sections.push(validationSection(r.validation, precision));
  sections.push(stagesSection(r.run));
  if (plots) sections.push(plotsSection(plots, { linkFiles, ...(plotsFailure ? { failure: plotsFailure } : {}) }));
  if (experiments) sections.push(experiments);
  if (r.problems.length) sections.push(['## Warnings', '', ...r.problems.map((p) => `- ${p}`)].join('\n'));
  return `${sections.join('\n\n')}\n`;
}
