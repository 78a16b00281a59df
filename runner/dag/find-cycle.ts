/** @module Finds one cycle in a directed graph, for an error message that shows it. */

/**
 * Returns the stages of a cycle as `[a, b, …, a]`, or undefined when the graph is acyclic.
 * Depth-first without recursion: a chain of thousands of stages must not overflow the stack.
 */
export function findCycle(
  nodes: readonly string[],
  next: ReadonlyMap<string, ReadonlySet<string>>,
): string[] | undefined {
  const state = new Map<string, 'active' | 'done'>();
  for (const start of nodes) {
    if (state.has(start)) continue;
    // The current path, each node with the iterator over its successors still to visit.
    const path: { node: string; rest: Iterator<string> }[] = [];
    const enter = (n: string) => {
      state.set(n, 'active');
      path.push({ node: n, rest: (next.get(n) ?? new Set<string>()).values() });
    };
    enter(start);
    while (path.length) {
      const top = path[path.length - 1] as (typeof path)[number];
      const step = top.rest.next();
      if (step.done) {
        state.set(top.node, 'done');
        path.pop();
        continue;
      }
      const m = step.value;
      const s = state.get(m);
      if (s === 'active') {
        const names = path.map((p) => p.node);
        return [...names.slice(names.indexOf(m)), m];
      }
      if (s === undefined) enter(m);
    }
  }
  return undefined;
}
