/** @module Annotated tags of the repository, read once: packed-refs and loose refs in one pass, then only the tag objects a filter keeps. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { locateGitDir, openGitRepo } from './open-git-repo.js';
import { ObjectReader, parseTagObject, type ParsedTagObject } from './read-tag-objects.js';

export interface AnnotatedTag {
  /** The tag's name (without refs/tags/). */
  readonly name: string;
  /** The tag object's id. */
  readonly oid: string;
  /** The commit it points to (nested tags peeled). */
  readonly commit: string;
  readonly tagger: { readonly name: string; readonly email: string; /** Seconds since the epoch. */ readonly timestamp: number; readonly timezoneOffset: number };
  readonly message: string;
}

/**
 * Every annotated tag whose name `keep` accepts, in no particular order. Lightweight tags (a ref
 * straight to a commit) are left out, as GTO leaves them out; so are tags of trees and blobs.
 * Refs are listed from packed-refs and refs/tags/ directly (a loose ref overrides a packed one),
 * never one lookup per tag: with thousands of tags that is what makes a registry slow.
 */
export async function listAnnotatedTags(root: string, keep: (name: string) => boolean): Promise<AnnotatedTag[]> {
  const gitdir = locateGitDir(root);
  if (!gitdir) return [];
  const refs = new Map<string, string>();
  readPackedTags(gitdir, refs);
  readLooseTags(join(gitdir, 'refs', 'tags'), '', refs);
  const out: AnnotatedTag[] = [];
  const cache = readTagCache(gitdir);
  const seen: TagCache = {};
  let misses = 0;
  const reader = new ObjectReader(gitdir);
  // isomorphic-git (~600 KB of code) is loaded only for an object the fast reader leaves.
  const fallback = () => openGitRepo(root);
  try {
    for (const [name, oid] of refs) {
      if (!keep(name)) continue;
      let entry = cache[oid];
      if (entry === undefined || !isEntry(entry)) {
        misses++;
        entry = toEntry(await readAnnotated(fallback, reader, oid));
      }
      seen[oid] = entry;
      if (entry) out.push({ name, oid, commit: entry[0], tagger: { name: entry[1], email: entry[2], timestamp: entry[3], timezoneOffset: entry[4] }, message: entry[5] });
    }
  } finally {
    reader.close();
  }
  if (misses) writeTagCache(gitdir, seen);
  return out;
}

/**
 * What each tag object read says, by object id: [commit, tagger name, email, timestamp, tz offset,
 * message], or null for an object that is no annotated tag of a commit. Objects are named by their
 * content's hash, so an entry never goes stale. Kept in the git directory, which no clone or
 * checkout brings in: a repository cannot ship a cache that lies about its tags.
 */
type TagEntry = readonly [string, string, string, number, number, string] | null;
type TagCache = Record<string, TagEntry>;
const TAG_CACHE = 'pipe-tags.json';
const TAG_CACHE_VERSION = 1;

function readTagCache(gitdir: string): TagCache {
  try {
    const parsed = JSON.parse(readFileSync(join(gitdir, TAG_CACHE), 'utf8')) as { version?: unknown; tags?: unknown };
    if (parsed.version === TAG_CACHE_VERSION && parsed.tags && typeof parsed.tags === 'object') return parsed.tags as TagCache;
  } catch {
    // absent or unreadable: every tag is read from its object
  }
  return {};
}

/** Only the tags that exist now are kept, so deleted tags do not grow the file. */
function writeTagCache(gitdir: string, tags: TagCache): void {
  try {
    writeFileAtomic(join(gitdir, TAG_CACHE), JSON.stringify({ version: TAG_CACHE_VERSION, tags }));
  } catch {
    // a read-only .git: the next run reads the objects again
  }
}

function isEntry(e: unknown): e is TagEntry {
  return e === null || (Array.isArray(e) && e.length === 6 && typeof e[0] === 'string' && /^[0-9a-f]{40}$/.test(e[0]) && typeof e[1] === 'string' && typeof e[2] === 'string' && Number.isFinite(e[3]) && Number.isFinite(e[4]) && typeof e[5] === 'string');
}

function toEntry(tag: Omit<AnnotatedTag, 'name' | 'oid'> | undefined): TagEntry {
  return tag ? [tag.commit, tag.tagger.name, tag.tagger.email, tag.tagger.timestamp, tag.tagger.timezoneOffset, tag.message] : null;
}

function readPackedTags(gitdir: string, refs: Map<string, string>): void {
  let text: string;
  try {
    text = readFileSync(join(gitdir, 'packed-refs'), 'utf8');
  } catch {
    return;
  }
  for (const line of text.split('\n')) {
    // `<oid> refs/tags/<name>`; `^<oid>` lines (peeled) and `#` comments are skipped.
    const m = /^([0-9a-f]{40}) refs\/tags\/(.+)$/.exec(line);
    if (m?.[1] && m[2]) refs.set(m[2], m[1]);
  }
}

function readLooseTags(dir: string, prefix: string, refs: Map<string, string>): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const name = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) readLooseTags(join(dir, e.name), name, refs);
    else if (e.isFile()) {
      const oid = readFileSync(join(dir, e.name), 'utf8').trim();
      if (/^[0-9a-f]{40}$/.test(oid)) refs.set(name, oid);
    }
  }
}

type OpenRepo = typeof openGitRepo extends (root: string) => infer R ? () => R : never;

async function readAnnotated(repo: OpenRepo, reader: ObjectReader, oid: string): Promise<Omit<AnnotatedTag, 'name' | 'oid'> | undefined> {
  let first: Omit<AnnotatedTag, 'name' | 'oid' | 'commit'> | undefined;
  let at = oid;
  // A tag of a tag is peeled (a few levels at most: a loop of tags cannot exist, ids are hashes).
  for (let depth = 0; depth < 10; depth++) {
    const obj = await readObject(repo, reader, at);
    if (obj?.type === 'commit') return first ? { ...first, commit: at } : undefined;
    if (obj?.type !== 'tag' || !obj.tag) return undefined;
    first ??= { tagger: obj.tag.tagger, message: obj.tag.message };
    // The tag says what it points to: a commit needs no second read (only a tag of a tag does).
    if (obj.tag.type === 'commit') return { ...first, commit: obj.tag.object };
    if (obj.tag.type !== 'tag') return undefined;
    at = obj.tag.object;
  }
  return undefined;
}

/** The fast reader first; isomorphic-git for what it leaves (deltas, old pack indexes). */
async function readObject(open: OpenRepo, reader: ObjectReader, oid: string): Promise<{ type: string; tag?: ParsedTagObject } | undefined> {
  const raw = reader.read(oid);
  if (raw) return raw.type === 'tag' ? { type: 'tag', ...optional(parseTagObject(raw.content)) } : { type: raw.type };
  const repo = await open();
  if (!repo) return undefined;
  const { git, fs, dir, gitdir, cache } = repo;
  try {
    const obj = await git.readObject({ fs, dir, gitdir, oid, cache, format: 'content' });
    return obj.type === 'tag' ? { type: 'tag', ...optional(parseTagObject(Buffer.from(obj.object as Uint8Array))) } : { type: obj.type };
  } catch {
    return undefined; // missing object (a shallow or damaged clone): not a tag we can read
  }
}

function optional(tag: ParsedTagObject | undefined): { tag?: ParsedTagObject } {
  return tag ? { tag } : {};
}
