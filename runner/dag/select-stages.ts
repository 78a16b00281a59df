/** @module Chooses which stages a command acts on from its targets and flags. */
import { unknownStages } from './unknown-stage.js';
import type { Dag } from './build-dag.js';

export interface Selection {
  readonly targets?: readonly string[];
  /** Only the targets themselves, no upstream stages (`-s`). */
  readonly single?: boolean;
  /** The targets and everything downstream of them, not upstream (`--downstream`). */
  readonly downstream?: boolean;
}

/** Selected stage names, in topological order. */
export function selectStages(dag: Dag, { targets = [], single = false, downstream = false }: Selection): string[] {
  if (targets.length === 0) return [...dag.order];
  const names = [...dag.stages.keys()];
  const expand = (t: string): string[] => {
    if (dag.stages.has(t)) return [t];
    // DVC's addresses: `dvc.yaml:train` is the root file's `train`; `sub/dvc.yaml` every stage of that file.
    if (t.startsWith('dvc.yaml:')) return expand(t.slice('dvc.yaml:'.length));
    const members = t.endsWith('/dvc.yaml')
      ? names.filter((n) => n.startsWith(`${t}:`))
      : // A foreach or matrix stage's name (`train`) names every stage it generated (`train@…`), as in DVC.
        t.includes('@') ? [] : names.filter((n) => n.startsWith(`${t}@`));
    return members.length ? members : [t];
  };
  targets = targets.flatMap(expand);
  const unknown = targets.filter((t) => !dag.stages.has(t));
  if (unknown.length) throw unknownStages(unknown, [...dag.stages.keys()]);
  const chosen = new Set<string>();
  // Without recursion: a chain of thousands of stages must not overflow the stack.
  const walk = (start: string, edges: Dag['upstream']) => {
    const todo = [start];
    for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
      if (chosen.has(name)) continue;
      chosen.add(name);
      for (const n of edges.get(name) ?? []) if (!chosen.has(n)) todo.push(n);
    }
  };
  for (const t of targets) {
    if (single) chosen.add(t);
    else walk(t, downstream ? dag.downstream : dag.upstream);
  }
  return dag.order.filter((n) => chosen.has(n));
}
