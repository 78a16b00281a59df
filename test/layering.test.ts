/**
 * @module The structure of the source tree: no violation of .dependency-cruiser.cjs (also run by
 * `npm run lint`), and no cycle among runner's folders, so that the direction in which its
 * concepts depend on each other can be read off the tree (#12).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const SOURCES = ['cli', 'runner', 'reports', 'registry', 'exp', 'serve', 'stages'].filter((d) => existsSync(join(root, d)));

/** runner/errors.ts is the bottom of everything; runner/index.ts and registration.ts are the top: each its own node. */
function folderOf(path: string): string {
  if (/^runner\/(errors|index|registration)\.ts$/.test(path)) return path;
  return dirname(path);
}

async function cruiseTree(): Promise<ICruiseResult> {
  const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as { forbidden: never[]; options: Record<string, unknown> };
  process.chdir(root);
  const result = await cruise(SOURCES, { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true });
  return result.output as ICruiseResult;
}

describe('the layering of the source tree', () => {
  it('breaks no rule of .dependency-cruiser.cjs, and runner/ has no folder cycle', async () => {
    const result = await cruiseTree();
    const violations = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
    expect(violations).toEqual([]);

    const edges = new Map<string, Set<string>>();
    for (const m of result.modules) {
      if (!m.source.startsWith('runner/') || m.source.endsWith('.test.ts')) continue;
      for (const d of m.dependencies) {
        if (!d.resolved.startsWith('runner/')) continue;
        const [a, b] = [folderOf(m.source), folderOf(d.resolved)];
        if (a !== b) (edges.get(a) ?? edges.set(a, new Set()).get(a))?.add(b);
      }
    }
    expect(folderCycles(edges)).toEqual([]);
  }, 120_000);
});

/** Every folder that can reach itself again, with the path back (depth-first; enough to name the cycle). */
function folderCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' -> '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return cycles;
}
