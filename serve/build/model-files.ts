/**
 * @module The record of a built service's model/: every file's size and SHA-256, written to
 * service.json by `pipe serve build`, and the check of model/ against it that the service makes
 * at start and at every reload (its files may have been replaced since).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface ModelFile {
  readonly size: number;
  /** Hex. */
  readonly sha256: string;
}

/** Relative path ('/'-separated) → size and hash. */
export type ModelFiles = Readonly<Record<string, ModelFile>>;

/** The files under `dir` (links followed), by relative path, with their sizes; none when `dir` is gone. */
async function listFiles(dir: string, rel = ''): Promise<[string, number][]> {
  let names: string[];
  try {
    names = await readdir(join(dir, rel));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (rel === '' && (code === 'ENOENT' || code === 'ENOTDIR')) return [];
    throw error;
  }
  const found: [string, number][] = [];
  for (const name of names) {
    const path = rel ? `${rel}/${name}` : name;
    const s = await stat(join(dir, path));
    if (s.isDirectory()) found.push(...(await listFiles(dir, path)));
    else found.push([path, s.size]);
  }
  return found;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  // Streamed: a reload runs beside the requests being answered.
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What `pipe serve build` records of the model/ it wrote. */
export async function modelFiles(dir: string): Promise<ModelFiles> {
  const files: Record<string, ModelFile> = {};
  for (const [path, size] of (await listFiles(dir)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) files[path] = { size, sha256: await sha256(join(dir, path)) };
  return files;
}

/** The first file (in path order) that is missing from `dir`, added to it, or not as `recorded`; undefined when `dir` holds exactly the recorded files. */
export async function firstDifference(dir: string, recorded: ModelFiles): Promise<string | undefined> {
  const present = new Map(await listFiles(dir));
  const paths = [...new Set([...Object.keys(recorded), ...present.keys()])].sort();
  for (const path of paths) {
    const want = Object.hasOwn(recorded, path) ? recorded[path] : undefined;
    const size = present.get(path);
    if (want === undefined || size !== want.size) return path;
    try {
      if ((await sha256(join(dir, path))) !== want.sha256) return path;
    } catch (error) {
      // Replaced while being read: it differs from the record either way.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return path;
      throw error;
    }
  }
  return undefined;
}
