import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands.js';
import { documentedCommands, updateGeneratedBlocks } from './command-docs.js';

const root = join(import.meta.dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('the docs generated from the command definitions', () => {
  it.each(['docs/commands.md', 'README.md'])('%s is what npm run docs writes (run it after changing a command)', async (file) => {
    const text = read(file);
    expect(documentedCommands(text).length).toBeGreaterThan(0);
    expect(text).toBe(await updateGeneratedBlocks(text));
  });

  it('docs/commands.md documents every command, once', () => {
    const documented = documentedCommands(read('docs/commands.md'));
    expect([...documented].sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });
});
