/**
 * @module Reads one file of a model package by the name another file gives it (metadata.json names
 * the parts, model.json the weight files), refusing names that would leave the package directory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelPackageError } from './model-package-error.js';

export interface PackageFileOptions {
  /** The package file that names this one, for the message when it is missing. */
  readonly listedBy?: string;
}

export function readPackageFile(dir: string, name: string, { listedBy }: PackageFileOptions = {}): Buffer {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[/\\]/.test(name)) {
    throw new ModelPackageError({ dir, file: listedBy ?? String(name), problem: `names ${JSON.stringify(name)}, which is not a file name inside the package` });
  }
  try {
    return readFileSync(join(dir, name));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? `missing${listedBy ? ` (${listedBy} lists it)` : ''}` : `cannot be read (${(cause as Error).message})`;
    throw new ModelPackageError({ dir, file: name, problem }, { cause });
  }
}

export function readPackageJson(dir: string, name: string, options: PackageFileOptions = {}): unknown {
  const bytes = readPackageFile(dir, name, options);
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (cause) {
    throw new ModelPackageError({ dir, file: name, problem: `not valid JSON (${(cause as Error).message})` }, { cause });
  }
}

/** The parsed JSON of `name`, checked by `check`, whose TypeError becomes an error naming the file. */
export function readPackageJsonAs<T>(dir: string, name: string, check: (value: unknown) => asserts value is T, options: PackageFileOptions = {}): T {
  const value = readPackageJson(dir, name, options);
  try {
    check(value);
  } catch (cause) {
    throw new ModelPackageError({ dir, file: name, problem: (cause as Error).message }, { cause });
  }
  return value;
}
