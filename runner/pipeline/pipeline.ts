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
  /** `push: false` (DVC's flag): cached locally, never sent to a remote (absent: pushed). */
  readonly push?: false;
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

/** A top-level `plots:` entry (DVC's shape): one chart drawn from one or more files (overlays). */
export interface PlotDefinition {
  /** Its name (`train_vs_test`), or the path it draws when it is declared by path. */
  readonly id: string;
  /** Each file (or image, or directory of them) it draws, with its own x and y fields when the entry names them per file. */
  readonly sources: readonly { readonly path: RepoPath; readonly x?: string; readonly y?: readonly string[] }[];
  /** Template (pipe's name for it), title, labels; x and y when they apply to every source. */
  readonly props: PlotProps;
}

export interface Pipeline {
  /** Absolute path of the repository root (the directory holding the pipeline file). */
  readonly root: string;
  /** The pipeline file it was read from, relative to the root (`pipeline.yaml`), for messages that locate a key in it. */
  readonly file: string;
  /**
   * Every pipeline file it was read from when there are several (a dvc.yaml per directory), `file`
   * first; a stage of `sub/dvc.yaml` is named `sub/dvc.yaml:train` and its paths are repository paths.
   */
  readonly files?: readonly string[];
  /** Stages in declaration order. */
  readonly stages: readonly Stage[];
  readonly gates: readonly GateRule[];
  /** `artifacts:` in declaration order. */
  readonly artifacts: readonly Artifact[];
  /** `registry: {stages}`: the registry's stages in promotion order (empty: any stage, no order). */
  readonly registryStages: readonly string[];
  /** Top-level `metrics:` (files or directories, outs of stages or not). */
  readonly metrics?: readonly RepoPath[];
  /** Top-level `plots:`. */
  readonly plots?: readonly PlotDefinition[];
  /** Top-level `params:`: params files shown and diffed whether or not a stage reads them. */
  readonly paramFiles?: readonly RepoPath[];
  /** Resolved values of every referenced param: file → key → value. */
  readonly params: ReadonlyMap<RepoPath, ReadonlyMap<string, unknown>>;
}
