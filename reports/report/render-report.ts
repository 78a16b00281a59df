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
}

export function renderReport(r: ReportData, { precision, plots, plotsFailure, linkFiles }: RenderReportOptions): string {
  const short = (c: string | undefined) => (c ? c.slice(0, 7) : undefined);
  const where = [r.branch && `\`${r.branch}\``, short(r.headCommit) && `@ \`${short(r.headCommit)}\``].filter(Boolean).join(' ');
  const baseCommit = short(r.base.commit);
  const sections = [
    `# pipe report${where ? `: ${where}` : ''}`,
    `Head: the workspace${r.headCommit ? ` of \`${short(r.headCommit)}\`` : ''} · Base: \`${r.base.name}\`${baseCommit && baseCommit !== r.base.name ? ` (\`${baseCommit}\`)` : ''}`,
    gateSection(r.gate, precision),
    metricsSection(r.metrics, { precision, rules: r.pipeline.gates, skip: new Set(r.validation.map((v) => v.path)) }),
    paramsSection(r.params, precision),
  ];
  if (r.validation.length) sections.push(validationSection(r.validation, precision));
  sections.push(stagesSection(r.run));
  if (plots) sections.push(plotsSection(plots, { linkFiles, ...(plotsFailure ? { failure: plotsFailure } : {}) }));
  if (r.problems.length) sections.push(['## Warnings', '', ...r.problems.map((p) => `- ${p}`)].join('\n'));
  return `${sections.join('\n\n')}\n`;
}
