/** @module What reports/ adds to the command line: its commands (plots, report, gate; loaded when used) and its error codes. */
import type { CommandEntry } from '../runner/command/index.js';

export { reportErrorKinds } from './errors.js';

export const reportCommands: readonly CommandEntry[] = [
  { name: 'plots', summary: 'render the plots of pipeline.yaml (SVG, PNG, one HTML page), or overlay two revisions', load: async () => (await import('./commands/plots.js')).plots },
  { name: 'report', summary: 'write a markdown report (gate verdict, metrics/params diff, stages, plots); --post to a PR', load: async () => (await import('./commands/report.js')).report },
  { name: 'gate', summary: "evaluate the promotion rules ('gates:' in pipeline.yaml) against a base revision", load: async () => (await import('./commands/gate.js')).gate },
];
