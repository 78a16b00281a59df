/** @module What expanding a file's templating gives (expand-template.ts), and its options. */
import type { KeyPath } from '../../yaml/key-path.js';
import type { UsedParam } from './template-context.js';

export interface TemplateIssue {
  readonly path: KeyPath;
  readonly message: string;
}

export interface Expanded {
  /** The document with `vars` removed, `${}` replaced and foreach/matrix stages generated. */
  readonly value: unknown;
  readonly issues: readonly TemplateIssue[];
  /** Generated stage name → key path of the definition it came from (`stages.build.do`). */
  readonly origins: ReadonlyMap<string, KeyPath>;
  /** Stage name → params it reads through `${}` (values from params.yaml or `vars` files). */
  readonly used: ReadonlyMap<string, readonly UsedParam[]>;
  /** Whether the file used templating at all (its expanded value depends on other files). */
  readonly templated: boolean;
}

export interface ExpandOptions {
  /** Leave a `${…}` in `cmd` that names no variable to the shell (pipeline.yaml) instead of refusing it (dvc.yaml). */
  readonly shellInCmd?: boolean;
  /** The file's directory (a dvc.yaml below the root): its params.yaml, vars files and wdirs are relative to it. */
  readonly dir?: string;
}
