/** @module Annotated tags of the repository, read once: packed-refs and loose refs in one pass, then only the tag objects a filter keeps. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
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
  const reader = new ObjectReader(gitdir);
  // isomorphic-git (~600 KB of code) is loaded only for an object the fast reader leaves.
  const fallback = () => openGitRepo(root);
  try {
    for (const [name, oid] of refs) {
      if (!keep(name)) continue;
      const tag = await readAnnotated(fallback, reader, oid);
      if (tag) out.push({ name, oid, ...tag });
    }
  } finally {
    reader.close();
  }
  return out;
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
