/** @module `pipe dag`: the stage graph as text, Mermaid, Graphviz DOT or JSON. */
import { defineCommand } from '../command/command.js';
import type { Dag } from '../dag/build-dag.js';
import { PipeError } from '../errors.js';
import { findRoot } from '../repo/find-root.js';

export const dag = defineCommand({
  name: 'dag',
  description: `
Prints the stages in the order repro would run them and, for each, the stages it depends
on with the paths that connect them. --mermaid prints a flowchart for Markdown (GitHub
renders it), --dot a Graphviz digraph, --json the stages and edges.`,
  options: {
    mermaid: { type: 'boolean', help: 'Mermaid flowchart' },
    dot: { type: 'boolean', help: 'Graphviz DOT' },
    json: { type: 'boolean', help: 'JSON: {stages, edges}' },
  },
  async run({ options, io }) {
    const picked = (['mermaid', 'dot', 'json'] as const).filter((f) => options[f]);
    if (picked.length > 1) {
      throw new PipeError('USAGE', `choose one output format, not ${picked.map((p) => `--${p}`).join(' and ')} (pipe dag)`, { command: 'dag' });
    }
    const [{ loadPipeline }, { buildDag }] = await Promise.all([import('../pipeline/load-pipeline.js'), import('../dag/build-dag.js')]);
    const g = buildDag(await loadPipeline({ root: findRoot(io.cwd) }));
    if (options.mermaid) io.out(mermaid(g));
    else if (options.dot) io.out(dot(g));
    else if (options.json) io.out(`${JSON.stringify({ stages: g.order, edges: edgeList(g) }, null, 2)}\n`);
    else io.out(text(g));
  },
});

function edgeList(g: Dag): { from: string; to: string; paths: string[] }[] {
  const byPair = new Map<string, { from: string; to: string; paths: string[] }>();
  for (const e of g.edges) {
    const k = `${e.from}\0${e.to}`;
    const entry = byPair.get(k) ?? { from: e.from, to: e.to, paths: [] };
    if (!entry.paths.includes(e.path)) entry.paths.push(e.path);
    byPair.set(k, entry);
  }
  return [...byPair.values()];
}

function text(g: Dag): string {
  if (g.order.length === 0) return 'No stages in pipeline.yaml.\n';
  const edges = edgeList(g);
  return g.order
    .map((name) => {
      const ins = edges.filter((e) => e.to === name);
      const from = ins.map((e) => `${e.from} (${e.paths.join(', ')})`).join(', ');
      return ins.length ? `${name}  <- ${from}\n` : `${name}\n`;
    })
    .join('');
}

const id = (name: string) => `s_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;

function mermaid(g: Dag): string {
  const lines = ['flowchart TD'];
  for (const n of g.order) lines.push(`  ${id(n)}["${n}"]`);
  for (const e of edgeList(g)) lines.push(`  ${id(e.from)} --> ${id(e.to)}`);
  return `${lines.join('\n')}\n`;
}

function dot(g: Dag): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = ['strict digraph pipeline {', '  rankdir=TB;', '  node [shape=box];'];
  for (const n of g.order) lines.push(`  ${q(n)};`);
  for (const e of edgeList(g)) lines.push(`  ${q(e.from)} -> ${q(e.to)} [label=${q(e.paths.join(', '))}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
