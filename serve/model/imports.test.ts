/**
 * Keeps serve/model a leaf library: its files import only each other, node: builtins and packages,
 * never runner/, reports/ or stages/ (the stages and the service import it, not the reverse), and
 * TF.js only as types at the top of a module, so importing the package does not load TF.js.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here).filter((f) => f.endsWith('.ts'));

/** Every module specifier in a source: static imports and re-exports (with whether they are type-only) and dynamic imports. */
function specifiers(source: string): { specifier: string; typeOnly: boolean; dynamic: boolean }[] {
  const found = [...source.matchAll(/^(?:import|export)\s+(type\s+)?(?:[\w$*\s,]|\{[^}]*\})*?from\s+'([^']+)';/gm)].map((m) => ({
    specifier: m[2] as string,
    typeOnly: m[1] !== undefined,
    dynamic: false,
  }));
  for (const m of source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) found.push({ specifier: m[1] as string, typeOnly: false, dynamic: true });
  return found;
}

describe('serve/model', () => {
  it.each(files)('%s imports nothing outside serve/model but node: builtins and packages', (file) => {
    for (const { specifier } of specifiers(readFileSync(`${here}/${file}`, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      expect(posix.normalize(posix.join('serve/model', specifier)), `${file}: ${specifier}`).toMatch(/^serve\/model\/[\w.-]+\.js$/);
    }
  });

  it.each(files.filter((f) => !f.endsWith('.test.ts')))('%s loads TF.js lazily, if at all', (file) => {
    for (const { specifier, typeOnly, dynamic } of specifiers(readFileSync(`${here}/${file}`, 'utf8'))) {
      if (specifier.startsWith('@tensorflow/')) expect(typeOnly || dynamic, `${file}: ${specifier}`).toBe(true);
    }
  });
});
