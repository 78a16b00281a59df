/** @module Plain, readonly data describing a loaded pipeline: stages, their deps, params and outs. */

import type { RepoPath } from '../fs/repo-path.js';

export type { RepoPath };

export interface Dep {
  readonly path: RepoPath;
}

export type OutKind = 'out' | 'metric' | 'plot';

export interface PlotProps {
  readonly template?: string;
  readonly x?: string;
  readonly y?: string | readonly string[];
  readonly title?: string;
  readonly x_label?: string;
  readonly y_label?: string;
}

export interface Out {
  readonly path: RepoPath;
  readonly kind: OutKind;
  /** Stored in the cache (and git-ignored) when true; committed to git when false. */
  readonly cache: boolean;
  /** Kept in place (not removed) before the stage runs. */
  readonly persist: boolean;
  readonly plot?: PlotProps;
}

export interface ParamRef {
  /** Params file, repository-relative. */
  readonly file: RepoPath;
  /** Dotted key inside the file; a section key selects the whole section. */
  readonly key: string;
}

export interface Stage {
  readonly name: string;
  /** One or more shell commands, run in order; the stage fails at the first that fails. */
  readonly cmd: readonly string[];
  /** Working directory, repository-relative (`.` for the root). */
  readonly wdir: RepoPath;
  readonly deps: readonly Dep[];
  readonly params: readonly ParamRef[];
  readonly outs: readonly Out[];
  readonly env: Readonly<Record<string, string>>;
  readonly alwaysChanged: boolean;
  readonly frozen: boolean;
}

export interface GateRule {
  readonly metric: string;
  readonly min?: number;
  readonly max?: number;
  readonly max_drop?: number;
  readonly max_rise?: number;
  readonly required?: boolean;
  readonly branches?: readonly string[];
}

/** An entry of `artifacts:` (DVC's shape): what the registry versions. */
export interface Artifact {
  readonly name: string;
  readonly path: RepoPath;
  readonly type?: string;
  readonly desc?: string;
  readonly labels?: readonly string[];
  readonly meta?: Readonly<Record<string, unknown>>;
}

export interface Pipeline {
  /** Absolute path of the repository root (the directory holding the pipeline file). */
  readonly root: string;
  /** The pipeline file it was read from, relative to the root (`pipeline.yaml`), for messages that locate a key in it. */
  readonly file: string;
  /** Stages in declaration order. */
  readonly stages: readonly Stage[];
  readonly gates: readonly GateRule[];
  /** `artifacts:` in declaration order. */
  readonly artifacts: readonly Artifact[];
  /** `registry: {stages}`: the registry's stages in promotion order (empty: any stage, no order). */
  readonly registryStages: readonly string[];
  /** Resolved values of every referenced param: file → key → value. */
  readonly params: ReadonlyMap<RepoPath, ReadonlyMap<string, unknown>>;
}
