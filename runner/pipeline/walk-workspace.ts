/**
 * @module The workspace searched for files by name (every `dvc.yaml`, every `.dvc` file) as DVC
 * collects them: every directory but `.git`, `.dvc`, `.pipe`, `node_modules`, a directory a `.dvc`
 * file tracks (`images` beside `images.dvc`), and what `.gitignore`, `.dvcignore` or
 * `.git/info/exclude` ignores. It also says which directories and ignore files it read, so a
 * remembered result can be trusted until one of them changes.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ignoreModule, { type Ignore } from 'ignore';
import type { RepoPath } from '../fs/repo-path.js';
import type { ParsedCache } from '../yaml/parsed-cache.js';

/** Directories never searched. */
const SKIP = new Set(['.git', '.dvc', '.pipe', 'node_modules']);
/** Ignore files read in each directory (DVC's own and git's, same syntax). */
const IGNORE_FILES = ['.gitignore', '.dvcignore'] as const;

export interface WalkOptions {
  /** Whether a file of this name is wanted. */
  readonly match: (name: string) => boolean;
  /** Directories (repository paths) not to enter. */
  readonly skip?: ReadonlySet<RepoPath>;
}

export interface Walked {
  /** The wanted files, sorted. */
  readonly found: RepoPath[];
  /**
   * What the result depends on, for `ParsedCache.setDerived`: each directory read (`dir/`, the
   * root `./`; its stats change when an entry appears or goes) and each ignore file read.
   */
  readonly watched: string[];
}

// A CommonJS package: its function is module.exports, which also carries itself as `default`.
const ignore = ignoreModule.default;

interface Rules {
  readonly base: string;
  readonly ig: Ignore;
}

export function walkWorkspace(root: string, { match, skip = new Set() }: WalkOptions): Walked {
  const found: RepoPath[] = [];
  const watched: string[] = [];
  const rulesOf = (rel: string, names: ReadonlySet<string>): Rules | undefined => {
    const files = IGNORE_FILES.filter((f) => names.has(f)).map((f) => (rel ? `${rel}/${f}` : f));
    if (rel === '') files.push('.git/info/exclude');
    let ig: Ignore | undefined;
    for (const f of files) {
      let text;
      try {
        text = readFileSync(join(root, f), 'utf8');
      } catch {
        continue;
      }
      watched.push(f);
      (ig ??= ignore()).add(text);
    }
    return ig ? { base: rel, ig } : undefined;
  };
  const ignored = (p: string, chain: readonly Rules[]): boolean => {
    // The deepest ignore file that says anything about the path decides (a `!dir/` re-includes).
    for (let i = chain.length - 1; i >= 0; i--) {
      const { base, ig } = chain[i] as Rules;
      const t = ig.test(`${base ? p.slice(base.length + 1) : p}/`);
      if (t.ignored) return true;
      if (t.unignored) return false;
    }
    return false;
  };
  const walk = (rel: string, outer: readonly Rules[]) => {
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    watched.push(rel ? `${rel}/` : './');
    const names = new Set(entries.map((e) => e.name));
    const own = rulesOf(rel, names);
    const chain = own ? [...outer, own] : outer;
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isFile()) {
        if (match(e.name)) found.push(p);
      } else if (e.isDirectory() && !SKIP.has(e.name) && !names.has(`${e.name}.dvc`) && !skip.has(p) && !ignored(p, chain)) {
        walk(p, chain);
      }
    }
  };
  walk('', []);
  return { found: found.sort(), watched };
}

/**
 * walkWorkspace's files, remembered in `cache` under `key` until a directory it read gains or
 * loses an entry or an ignore file it read changes: an unchanged run stats directories instead of
 * listing them.
 */
export function rememberedWalk(root: string, cache: ParsedCache, key: string, match: WalkOptions['match']): RepoPath[] {
  const r = cache.getDerived(root, key)?.value;
  if (Array.isArray(r) && r.every((x) => typeof x === 'string')) return r as RepoPath[];
  const { found, watched } = walkWorkspace(root, { match });
  cache.setDerived(root, key, watched, found);
  return found;
}
