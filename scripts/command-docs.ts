// Rewrites the generated blocks of docs/commands.md and README.md from the command definitions
// (`npm run docs`); cli/command-docs.test.ts fails when they are stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { updateGeneratedBlocks } from '../cli/command-docs.js';

const root = join(import.meta.dirname, '..');
for (const file of ['docs/commands.md', 'README.md']) {
  const path = join(root, file);
  const before = readFileSync(path, 'utf8');
  const after = await updateGeneratedBlocks(before);
  if (after !== before) writeFileSync(path, after);
  console.log(`${file}: ${after === before ? 'up to date' : 'rewritten'}`);
}
