/** @module Writes JSON files the same way every time (stable layout, final newline), creating the directory. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A value with two-space indentation. */
export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** An array of row objects, one row per line: compact, and a diff shows which rows changed. */
export function writeJsonRows(path: string, rows: readonly object[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
}
