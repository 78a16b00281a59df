/** @module Refuses a repository whose .pipe/ directories are symlinks: a committed `.pipe/cache -> ../other/.pipe/cache` would send pipe's writes, and gc's deletions, outside the repository. */
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PipeError } from '../errors.js';

/** The directories pipe writes below, relative to the repository root. */
const OWN = ['.pipe', '.pipe/cache', '.pipe/cache/files', '.pipe/cache/files/sha256', '.pipe/cache/runs', '.pipe/cache/tmp', '.pipe/tmp', '.pipe/tmp/state'];
/** Fan-out directories (`ab/`) below these hold the objects and run-cache entries. */
const FAN_OUT = ['.pipe/cache/files/sha256', '.pipe/cache/runs'];

/**
 * Throws PATH_INVALID (exit 2) when one of pipe's own directories, or a fan-out directory of the
 * store, is a symlink. About ten lstats and two directory listings: cheap enough for every command.
 */
export function refuseLinkedPipeDirs(root: string): void {
  for (const rel of OWN) check(root, rel, isLink(join(root, rel)));
  for (const rel of FAN_OUT) {
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) if (e.isSymbolicLink()) check(root, `${rel}/${e.name}`, true);
  }
}

function isLink(abs: string): boolean {
  try {
    return lstatSync(abs).isSymbolicLink();
  } catch {
    return false;
  }
}

function check(root: string, rel: string, linked: boolean): void {
  if (!linked) return;
  throw new PipeError(
    'PATH_INVALID',
    `'${rel}' is a symlink (to ${readlinkSync(join(root, rel))}); pipe keeps its cache and state in the repository's own .pipe/ and writes and deletes there, so it refuses to follow it. Remove the symlink (and .pipe/ from git, if it was committed).`,
    { path: rel, reason: 'pipe-dir-symlink' },
  );
}
