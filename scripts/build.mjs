// Builds the CLI: compiles the pipeline schema into a standalone validator, then bundles
// cli/main.ts with esbuild into dist/ (ESM, split so each command's code and heavy
// libraries load only when that command runs). One bundle instead of ~60 modules and yaml's
// CommonJS files saves tens of milliseconds at every start. The worker pool's thread module is built
// apart, as one CommonJS file, dist/workers/worker.cjs (runner/workers/pool.ts starts it). Type
// checking is `npm run typecheck`.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import './compile-schema.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
// Bundled CommonJS dependencies (yaml) call require(); give ESM output one.
const requireBanner = "import { createRequire as __pipeCreateRequire } from 'node:module'; const require = __pipeCreateRequire(import.meta.url);";
await build({
  absWorkingDir: root,
  entryPoints: { 'cli/main': 'cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  legalComments: 'none',
  // Native addons (a .node binary per platform) cannot be bundled; they load from node_modules.
  // TensorFlow.js is an optional peer dependency (pipe serve loads it from node_modules, with
  // its .wasm binaries next to it); hono, prom-client and csv-parse are bundled like yaml.
  external: ['@resvg/resvg-js', '@tensorflow/*'],
  logLevel: 'warning',
  banner: { js: requireBanner },
});
// The worker pool's thread: one CommonJS file with nothing to import, so a thread starts without the ES module loader.
await build({
  absWorkingDir: root,
  entryPoints: { 'workers/worker': 'runner/workers/worker.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
// The deployable service (`pipe serve build` copies it to DIR/server.js): one file, no chunks, as
// it runs from a directory of its own with only TensorFlow.js in node_modules.
await build({
  absWorkingDir: root,
  entryPoints: { 'service/server': 'serve/service-main.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  external: ['@tensorflow/*'],
  logLevel: 'warning',
  banner: { js: requireBanner },
});
