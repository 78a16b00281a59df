// Builds the CLI: compiles the pipeline schema into a standalone validator, then bundles
// cli/main.ts with rolldown into dist/ (ESM, split so each command's code and heavy libraries
// load only when that command runs). One bundle instead of ~60 modules and yaml's CommonJS files
// saves tens of milliseconds at every start. The worker pool's thread module is built apart, as
// one CommonJS file, dist/workers/worker.cjs (runner/workers/pool.ts starts it), and so is the
// deployable service; both are single files, built by esbuild. Type checking is `npm run typecheck`.
//
// Why rolldown for the CLI: with ~100 dynamic import points (every command, every lazy library),
// a splitting bundler puts each module in a chunk per distinct set of entry points reaching it.
// esbuild made 388 chunks, many under 1 KB, and `pipe add` opened 55 of them; loading an ES module
// costs ~0.5 ms here whatever its size. rolldown's chunk groups gather them (see `groups`):
// `pipe add` opens 20 files, 528 KB (docs/BENCHMARKS.md, "pipe add against e82c084, seventh
// session").
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { rolldown } from 'rolldown';
import './compile-schema.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
// Bundled CommonJS dependencies call require(); give esbuild's ESM output one.
const requireBanner = "import { createRequire as __pipeCreateRequire } from 'node:module'; const require = __pipeCreateRequire(import.meta.url);";

/** Modules `pipe --version` loads, kept out of the shared chunks so it stays two small files. */
const VERSION_PATH = /[\\/]runner[\\/](errors|command[\\/]package-name)\.ts$/;
const RUNNER = /[\\/]runner[\\/]/;
/**
 * Where the everyday commands (add, status, checkout) go: the command table, the command kit,
 * their command and operation modules, and what they load lazily on every run (the pipeline
 * reader, the lock writer, the worker pool). What these import statically makes the first shared
 * chunk; the build fails if one of them is renamed without this list.
 */
const EVERYDAY = [
  'runner/registration.ts',
  'runner/command/index.ts',
  'runner/command/parse-args.ts',
  ...['add', 'status', 'checkout'].flatMap((c) => [`runner/commands/${c}.ts`, `runner/api/${c}.ts`]),
  'runner/pipeline/pipeline-yaml.ts',
  'runner/yaml/yaml-source.ts',
  'runner/lockfile/serialize-lock.ts',
  'runner/workers/pool.ts',
].map((f) => join(root, f));
/**
 * What yaml's node build does and its browser build does not, put back into the browser build:
 * - warnings through process.emitWarning (one line), not console.warn(warning) (the YAMLWarning
 *   with its stack trace). Only yaml-source.ts parses with logLevel 'error': exp's -S values
 *   (`pipe exp run -S 'k=!tag v'`), the config editor and the dvc.yaml importer reach warn().
 * - YAML 1.1 !!binary (a params.yaml under `%YAML 1.1`) as a Buffer, not a Uint8Array: data.lock
 *   records a param's value, and a Uint8Array there (`[104, 105]`, not `{type: Buffer, data: …}`)
 *   reads as a changed param to every pipe built before, and differs from what the tests (tsx)
 *   and the deployable service (esbuild, yaml's node build) read.
 */
const NODE_YAML = [
  {
    file: /[\\/]node_modules[\\/]yaml[\\/]browser[\\/]dist[\\/]log\.js$/,
    from: 'console.warn(warning);',
    to: "if (typeof process.emitWarning === 'function') process.emitWarning(warning); else console.warn(warning);",
  },
  {
    file: /[\\/]node_modules[\\/]yaml[\\/]browser[\\/]dist[\\/]schema[\\/]yaml-1\.1[\\/]binary\.js$/,
    from: "if (typeof atob === 'function') {",
    to: "if (typeof Buffer === 'function') return Buffer.from(src, 'base64'); else if (typeof atob === 'function') {",
  },
];
const everyday = new Set();
const cli = await rolldown({
  cwd: root,
  input: { 'cli/main': 'cli/main.ts' },
  platform: 'node',
  transform: { target: 'node20' },
  // Native addons (a .node binary per platform) cannot be bundled; they load from node_modules.
  // TensorFlow.js is an optional peer dependency (pipe serve loads it from node_modules, with
  // its .wasm binaries next to it); hono, prom-client and csv-parse are bundled like yaml.
  external: [/^@resvg\/resvg-js(\/|$)/, /^@tensorflow\//],
  // Chunk groups below take shared modules without their dependencies, which needs entry chunks
  // free to gain exports; cli/main's own exports are kept.
  preserveEntrySignatures: 'allow-extension',
  // yaml's ES module build (its "browser" entry): the same code as its CommonJS "node" entry but
  // for two Node niceties, which the plugin below puts back (NODE_YAML). As ES modules it bundles
  // without 73 CommonJS wrappers: 191 KB instead of 231, and ~10 ms less to load.
  resolve: { alias: { yaml: join(root, 'node_modules/yaml/browser/index.js') } },
  plugins: [
    {
      name: 'yaml-node-build',
      // The build fails if a yaml update moves one of the lines replaced.
      transform(code, id) {
        const fix = NODE_YAML.find((f) => f.file.test(id));
        if (!fix) return null;
        if (!code.includes(fix.from)) throw new Error(`build: ${id} no longer has '${fix.from}' (scripts/build.mjs NODE_YAML)`);
        // map: null: the code around the one line does not move.
        return { code: code.replace(fix.from, fix.to), map: null };
      },
    },
    {
      name: 'everyday-closure',
      // The modules the everyday operations reach by static imports (type imports are gone by now).
      buildEnd() {
        const todo = [...EVERYDAY];
        while (todo.length) {
          const id = todo.pop();
          if (everyday.has(id)) continue;
          const info = this.getModuleInfo(id);
          if (!info) throw new Error(`build: ${id} is not in the CLI's module graph (scripts/build.mjs EVERYDAY)`);
          everyday.add(id);
          todo.push(...info.importedIds);
        }
      },
    },
  ],
  onLog(level, log, handler) {
    // A module both imported and lazily imported stays where the static import puts it: expected here.
    if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return;
    handler(level, log);
  },
});
const shared = (id) => RUNNER.test(id) && !VERSION_PATH.test(id);
const { output } = await cli.write({
  dir: 'dist',
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: 'chunks/[name]-[hash].js',
  sourcemap: true,
  codeSplitting: {
    groups: [
      // The engine's modules that two or more commands (or lazy imports) share, in two chunks:
      // what add, status and checkout import statically (closed under static imports, so this
      // chunk never loads the other), and the rest (git, remotes, diffs, the runner's DAG…). The
      // layering is one-way (runner/ imports nothing of cli/, reports/, serve/, registry/, exp/),
      // so neither imports a chunk that imports it back.
      { name: 'runner', test: (id) => shared(id) && everyday.has(id), minShareCount: 2, includeDependenciesRecursively: false },
      { name: 'runner-more', test: shared, minShareCount: 2, includeDependenciesRecursively: false },
      { name: 'yaml', test: /[\\/]node_modules[\\/]yaml[\\/]/, includeDependenciesRecursively: false },
    ],
  },
});
await cli.close();
// Chunks importing each other statically would evaluate one before what it imports (a class
// extending an import, a top-level call: TDZ errors at load). The groups above rely on runner/'s
// one-way layering for there to be none; this holds them to it.
const chunkImports = new Map(output.filter((o) => o.type === 'chunk').map((c) => [c.fileName, c.imports]));
const done = new Set();
const visit = (file, path) => {
  if (path.includes(file)) throw new Error(`build: the CLI's chunks import each other statically: ${[...path.slice(path.indexOf(file)), file].join(' -> ')}`);
  if (done.has(file)) return;
  for (const next of chunkImports.get(file) ?? []) visit(next, [...path, file]);
  done.add(file);
};
for (const file of chunkImports.keys()) visit(file, []);
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
