/**
 * @module Keeps pipeline.yaml honest about the stage programs: each stage's deps list exactly the
 * TypeScript sources it runs (its program and every file it loads at run time, in stages/lib and
 * in serve/model, followed through re-exports), and its params exactly the params.yaml keys the
 * program reads. A stale list would make `pipe repro` skip a stage whose code changed, or re-run
 * one that did not.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pipeline = parse(readFileSync(join(root, 'pipeline.yaml'), 'utf8')) as {
  stages: Record<string, { cmd: string; deps?: string[]; params?: string[] }>;
};

/**
 * Relative specifiers a module loads at run time: `import … from`, `export … from` (an index's
 * re-exports) and `import('…')`. `import type` and `export type` are erased, so they do not count.
 */
const RUNTIME_IMPORT = /^(?:import|export)\s+(?!type\s)(?:[\w$*\s,]|\{[^}]*\})+?from\s+'(\.{1,2}\/[^']+)';|\bimport\(\s*'(\.{1,2}\/[^']+)'\s*\)/gm;

/** Repository-relative .ts files `file` loads at run time, itself included; `../serve/model/…` resolves like any relative path. */
function runtimeSources(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = readFileSync(join(root, file), 'utf8');
  for (const m of source.matchAll(RUNTIME_IMPORT)) {
    const specifier = (m[1] ?? m[2]) as string;
    runtimeSources(posix.normalize(posix.join(posix.dirname(file), specifier.replace(/\.js$/, '.ts'))), seen);
  }
  return seen;
}

/** `section.key` for every checked read of params.yaml in a stage program. */
function paramsRead(file: string): Set<string> {
  const source = readFileSync(join(root, file), 'utf8');
  const section = /readParams\('(\w+)'\)/.exec(source)?.[1];
  const keys = [...source.matchAll(/\bparams\.(?:number|integers|oneOf)\('(\w+)'/g)].map((m) => `${section}.${m[1]}`);
  return new Set(keys);
}

describe('pipeline.yaml', () => {
  const stages = Object.entries(pipeline.stages);

  it('runs one TypeScript program per stage', () => {
    expect(stages.map(([name]) => name)).toEqual(['ingest', 'validate', 'featurize', 'train', 'evaluate']);
    for (const [name, stage] of stages) expect(stage.cmd).toBe(`tsx stages/${name}.ts`);
  });

  it('follows re-exports and resolves ../serve/model/ imports', () => {
    // A check that the walk reaches the shared model runtime at all: without it, a stage importing
    // serve/model/index.ts would seem to need only index.ts.
    const train = runtimeSources('stages/train.ts');
    expect(train).toContain('serve/model/index.ts');
    expect(train).toContain('serve/model/tf-backend.ts');
  });

  it.each(stages)('%s lists exactly the TypeScript sources it runs', (name, stage) => {
    const declared = (stage.deps ?? []).filter((d) => d.endsWith('.ts')).sort();
    expect(declared).toEqual([...runtimeSources(`stages/${name}.ts`)].sort());
  });

  it.each(stages)('%s lists exactly the params it reads', (name, stage) => {
    expect(new Set(stage.params ?? [])).toEqual(paramsRead(`stages/${name}.ts`));
  });
});
