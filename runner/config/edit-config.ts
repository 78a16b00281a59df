/** @module Edits .pipe/config.yaml or config.local.yaml in place through the yaml Document API (comments and order kept), written atomically. */
import { readFileSync } from 'node:fs';
// Only the remote command loads this module, so yaml is imported statically here.
import { Document, parseDocument } from 'yaml';
import { PipeError, formatIssues } from '../errors.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';

/** The file's value as plain data (undefined when it does not exist), without validating it. */
export async function readConfigValue(abs: string, name: string): Promise<Record<string, unknown> | undefined> {
  const doc = await load(abs, name);
  // load() has already expanded the aliases once under the limit.
  const v: unknown = doc?.toJS({ maxAliasCount: -1 });
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/**
 * Applies `edit` to the file's document and writes it back (temp file, fsync, rename). A file
 * that does not parse is left alone: the error says where it is broken. `secret` files are
 * created readable by their owner only.
 */
export async function editConfigFile(abs: string, name: string, edit: (doc: Document) => void, { secret = false }: { secret?: boolean } = {}): Promise<void> {
  const existing = await load(abs, name);
  const doc = existing ?? new Document({});
  edit(doc);
  pruneEmpty(doc, ['remotes']);
  // Removing something from a file that does not exist: leave it absent rather than write `{}`.
  if (!existing && Object.keys((doc.toJS() as Record<string, unknown> | null) ?? {}).length === 0) return;
  writeFileAtomic(abs, doc.toString({ lineWidth: 0 }), { mode: secret ? 0o600 : 0o644 });
}

/** Removes `path` when it is now an empty mapping (the last remote removed). */
function pruneEmpty(doc: Document, path: string[]): void {
  const v = doc.getIn(path) as { items?: unknown[] } | undefined;
  if (v && Array.isArray(v.items) && v.items.length === 0) doc.deleteIn(path);
}

async function load(abs: string, name: string): Promise<Document | undefined> {
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  // Checked by the reader every command uses (duplicate keys, aliases, and no quoting of secrets).
  const { parseYamlSource } = await import('../yaml/yaml-source.js');
  const source = parseYamlSource(name, text, { secret: name.endsWith('config.local.yaml') });
  const issues = [...source.syntaxIssues];
  const v = source.value;
  if (issues.length === 0 && v !== null && v !== undefined && !(typeof v === 'object' && !Array.isArray(v))) issues.push({ file: name, line: 1, column: 1, message: 'must be a mapping' });
  if (issues.length) throw new PipeError('SPEC_INVALID', `problem in the configuration:\n${formatIssues(issues)}`, { issues });
  const doc = parseDocument(text, { uniqueKeys: false });
  return doc;
}
