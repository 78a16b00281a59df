/** @module Builds the stage graph from outs to deps and rejects graphs that cannot be run. */
import { posix } from 'node:path';
import { PipeError } from '../errors.js';
import type { Out, Pipeline, RepoPath, Stage } from '../pipeline/pipeline.js';
import { findCycle } from './find-cycle.js';
import { MinHeap } from './min-heap.js';

export interface Edge {
  readonly from: string;
  readonly to: string;
  /** The dep path of `to` that an out of `from` satisfies. */
  readonly path: RepoPath;
}

export interface Dag {
  readonly stages: ReadonlyMap<string, Stage>;
  /** Stage names in a topological order; ties keep declaration order. */
  readonly order: readonly string[];
  readonly upstream: ReadonlyMap<string, ReadonlySet<string>>;
  readonly downstream: ReadonlyMap<string, ReadonlySet<string>>;
  readonly edges: readonly Edge[];
  /** Which stage produces each out path. */
  readonly producers: ReadonlyMap<RepoPath, string>;
}

interface Owned {
  readonly stage: string;
  readonly out: Out;
}

function ancestors(p: RepoPath): RepoPath[] {
  const result: RepoPath[] = [];
  for (let d = posix.dirname(p); d !== '.' && d !== '/'; d = posix.dirname(d)) result.push(d);
  return result;
}

export function buildDag(pipeline: Pick<Pipeline, 'stages'>): Dag {
  const problems: string[] = [];
  const exact = new Map<RepoPath, Owned>();
  for (const stage of pipeline.stages) {
    for (const out of stage.outs) {
      const prior = exact.get(out.path);
      if (prior) problems.push(`out '${out.path}' is declared by both stage '${prior.stage}' and stage '${stage.name}'`);
      else exact.set(out.path, { stage: stage.name, out });
    }
  }
  // Outs under each directory, so that a dep on a directory finds the outs inside it.
  const under = new Map<RepoPath, Owned[]>();
  for (const owned of exact.values()) {
    for (const dir of ancestors(owned.out.path)) {
      const outer = exact.get(dir);
      if (outer) {
        problems.push(
          `outs overlap: '${owned.out.path}' (stage '${owned.stage}') is inside '${dir}' (stage '${outer.stage}')`,
        );
      }
      const list = under.get(dir) ?? [];
      list.push(owned);
      under.set(dir, list);
    }
  }

  const upstream = new Map<string, Set<string>>();
  const downstream = new Map<string, Set<string>>();
  for (const s of pipeline.stages) {
    upstream.set(s.name, new Set());
    downstream.set(s.name, new Set());
  }
  const edges: Edge[] = [];
  for (const stage of pipeline.stages) {
    for (const dep of stage.deps) {
      const producers: Owned[] = [];
      const self = exact.get(dep.path);
      if (self) producers.push(self);
      for (const dir of ancestors(dep.path)) {
        const o = exact.get(dir);
        if (o) producers.push(o);
      }
      producers.push(...(under.get(dep.path) ?? []));
      for (const p of producers) {
        if (p.stage === stage.name) {
          problems.push(`stage '${stage.name}' depends on its own out '${p.out.path}' (dep '${dep.path}')`);
          continue;
        }
        edges.push({ from: p.stage, to: stage.name, path: dep.path });
        upstream.get(stage.name)?.add(p.stage);
        downstream.get(p.stage)?.add(stage.name);
      }
    }
  }
  if (problems.length) {
    throw new PipeError('DAG_INVALID', `the pipeline graph is invalid:\n${problems.map((p) => `  ${p}`).join('\n')}`, {
      problems,
    });
  }

  const names = pipeline.stages.map((s) => s.name);
  const cycle = findCycle(names, downstream);
  if (cycle) {
    throw new PipeError('DAG_CYCLE', `the pipeline has a cycle: ${cycle.join(' -> ')}`, { cycle });
  }
  const producersByPath = new Map<RepoPath, string>();
  for (const [p, o] of exact) producersByPath.set(p, o.stage);
  return {
    stages: new Map(pipeline.stages.map((s) => [s.name, s])),
    order: topologicalOrder(names, upstream),
    upstream,
    downstream,
    edges,
    producers: producersByPath,
  };
}

/** Kahn's algorithm; among the ready stages, always the earliest declared (a stable order). */
function topologicalOrder(names: readonly string[], upstream: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const index = new Map(names.map((n, i) => [n, i]));
  const waiting = names.map((n) => upstream.get(n)?.size ?? 0);
  const downstream = names.map(() => [] as number[]);
  names.forEach((n, i) => {
    for (const u of upstream.get(n) ?? []) {
      const j = index.get(u);
      if (j !== undefined) downstream[j]?.push(i);
    }
  });
  const ready = new MinHeap();
  waiting.forEach((w, i) => w === 0 && ready.push(i));
  const order: string[] = [];
  for (let i = ready.pop(); i !== undefined; i = ready.pop()) {
    order.push(names[i] as string);
    for (const d of downstream[i] ?? []) if (--(waiting[d] as number) === 0) ready.push(d);
  }
  return order;
}
