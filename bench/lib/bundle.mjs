// The repository's TypeScript modules for a bench script, bundled with esbuild as the service and
// the stages are (packages stay external), then imported: `bundled('drift', { 'serve/drift/index.ts':
// ['createDriftMonitor'] })` gives a module with those exports. Built in a directory under
// node_modules (git-ignored; bare imports resolve from there), removed once imported.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { repo } from './harness.mjs';

export async function bundled(name, exports) {
  const dir = mkdtempSync(join(repo, 'node_modules', `.cache-pipe-bench-${name}-`));
  try {
    const entry = join(dir, 'entry.ts');
    writeFileSync(entry, Object.entries(exports).map(([file, names]) => `export { ${names.join(', ')} } from ${JSON.stringify(join(repo, file))};`).join('\n'));
    await build({ entryPoints: [entry], outfile: join(dir, 'entry.mjs'), bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning', absWorkingDir: repo });
    return await import(pathToFileURL(join(dir, 'entry.mjs')).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
