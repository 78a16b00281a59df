/** @module What pipe itself placed in the workspace (cached outs, added data), so it can remove what is no longer declared. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRepoPath } from '../fs/repo-path.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import type { RepoPath } from '../pipeline/pipeline.js';

/** path → hash, in .pipe/tmp/workspace.json. */
export class WorkspaceRecord {
  readonly #file: string;
  readonly entries: Map<RepoPath, string>;
  #dirty = false;

  constructor(tmpDir: string) {
    this.#file = join(tmpDir, 'workspace.json');
    let parsed: Record<string, string> = {};
    try {
      parsed = JSON.parse(readFileSync(this.#file, 'utf8')) as Record<string, string>;
    } catch {
      // none yet
    }
    // The record is input like any file in the repository (it can be committed): a path that is
    // not a repository path is never one pipe placed, so checkout must not delete it.
    this.entries = new Map(Object.entries(parsed).filter(([k, v]) => typeof v === 'string' && isRepoPath(k)));
  }

  set(path: RepoPath, hash: string): void {
    if (this.entries.get(path) === hash) return;
    this.entries.set(path, hash);
    this.#dirty = true;
  }

  delete(path: RepoPath): void {
    if (this.entries.delete(path)) this.#dirty = true;
  }

  save(): void {
    if (!this.#dirty) return;
    writeFileAtomic(this.#file, JSON.stringify(Object.fromEntries([...this.entries].sort(([a], [b]) => (a < b ? -1 : 1)))));
    this.#dirty = false;
  }
}
