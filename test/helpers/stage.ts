/** @module A pipeline Stage as plain data, as load-pipeline.ts would give it, for unit tests of the modules that take one. */
import type { Out, ParamRef, Stage } from '../../runner/pipeline/pipeline.js';

export interface StageFields {
  readonly name?: string;
  readonly cmd?: string | readonly string[];
  readonly wdir?: string;
  readonly deps?: readonly string[];
  /** Plain paths are cached outs; give an Out for anything else. */
  readonly outs?: readonly (string | Out)[];
  readonly params?: readonly ParamRef[];
  readonly env?: Readonly<Record<string, string>>;
  readonly alwaysChanged?: boolean;
}

export function makeStage({ name = 's', cmd = 'true', wdir = '.', deps = [], outs = [], params = [], env = {}, alwaysChanged = false }: StageFields = {}): Stage {
  return {
    name,
    cmd: typeof cmd === 'string' ? [cmd] : cmd,
    wdir,
    deps: deps.map((path) => ({ path })),
    params,
    outs: outs.map((o) => (typeof o === 'string' ? { path: o, kind: 'out', cache: true, persist: false } : o)),
    env,
    alwaysChanged,
    frozen: false,
  };
}
