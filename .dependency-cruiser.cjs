/* global module */
// The one-way layering of pipe (docs/architecture.md), checked by `npm run lint`:
// cli -> (reports, registry, serve) -> runner's public surface -> runner's domain folders -> errors.
// test/layering.test.ts also checks that runner's folders form no cycle among themselves.
const DOMAIN = '^runner/(cache|command|config|dag|diff|exec|fs|git|gitignore|hash|lockfile|pipeline|registry|remote|repo|run-cache|stage|text|yaml|workers)/';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'modules must not import each other in a cycle', from: {}, to: { circular: true } },
    {
      name: 'nothing-imports-cli',
      severity: 'error',
      comment: 'cli/ holds the command table only; the packages register with it, never the reverse',
      from: { path: '^(runner|reports|registry|exp|serve|stages)/' },
      to: { path: '^cli/' },
    },
    {
      name: 'runner-is-the-bottom',
      severity: 'error',
      comment: 'the engine knows nothing of reports/, serve/ or the example stages',
      from: { path: '^runner/' },
      to: { path: '^(reports|registry|exp|serve|stages)/' },
    },
    {
      name: 'reports-through-the-public-surface',
      severity: 'error',
      comment: "reports/ uses runner/index.ts (or the light command kit, runner/command/index.ts), never the runner's internals",
      from: { path: '^reports/', pathNot: '\\.test\\.ts$' },
      to: { path: '^runner/', pathNot: '^runner/(index|errors)\\.ts$|^runner/command/index\\.ts$' },
    },
    {
      name: 'reports-not-serve-or-stages',
      severity: 'error',
      comment: 'reports/ may use exp/index.ts alone (pipe report --exp: the experiments table)',
      from: { path: '^reports/' },
      to: { path: '^(registry|exp|serve|stages)/', pathNot: '^exp/index\\.ts$' },
    },
    {
      name: 'registry-through-the-public-surface',
      severity: 'error',
      comment: "registry/ (the pipe model commands) uses runner/index.ts or the command kit (and reports/ for the gate), never the runner's internals, serve/ or the stages",
      from: { path: '^registry/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(runner/|serve/|stages/)', pathNot: '^runner/(index|errors)\\.ts$|^runner/command/index\\.ts$' },
    },
    {
      name: 'exp-through-the-public-surface',
      severity: 'error',
      comment: "exp/ (pipe exp, pipe queue) uses runner/index.ts or the command kit, never the runner's internals, registry/, serve/ or the stages",
      from: { path: '^exp/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(runner/|registry/|serve/|stages/)', pathNot: '^runner/(index|errors)\\.ts$|^runner/command/index\\.ts$' },
    },
    {
      name: 'serve-through-the-public-surface',
      severity: 'error',
      comment: "serve/ uses runner/index.ts (or runner/command/index.ts), never the runner's internals, nor reports/ or the stages",
      from: { path: '^serve/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(runner/|reports/|stages/)', pathNot: '^runner/(index|errors)\\.ts$|^runner/command/index\\.ts$' },
    },
    {
      name: 'model-runtime-is-a-leaf',
      severity: 'error',
      comment: 'serve/model/ is imported by the example stages, which talk to the runner only through files',
      from: { path: '^serve/model/' },
      to: { path: '^(runner|reports|stages|cli)/' },
    },
    {
      name: 'drift-imports-the-model-runtime-only',
      severity: 'error',
      comment: 'serve/drift/ (live drift) is a library on top of serve/model/: the service wires it, it knows nothing of the service',
      from: { path: '^serve/drift/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(runner|reports|registry|stages|cli)/|^serve/(?!model/|drift/)' },
    },
    {
      name: 'stages-talk-to-pipe-through-files',
      severity: 'error',
      comment: "the example's stages import nothing of pipe but the model runtime, as a user's stages would",
      from: { path: '^stages/' },
      to: { path: '^(runner|reports|cli)/|^serve/(?!model/)' },
    },
    {
      name: 'cli-uses-the-registrations',
      severity: 'error',
      comment: 'cli/ sees each package through its registration and the command kit',
      from: { path: '^cli/', pathNot: '\\.test\\.ts$' },
      to: {
        path: '^(runner|reports|registry|exp|serve)/',
        pathNot: '^(runner|reports|registry|exp|serve)/registration\\.ts$|^runner/command/|^runner/errors\\.ts$',
      },
    },
    {
      name: 'domain-below-api',
      severity: 'error',
      comment: "runner's domain folders never reach up into the operations (api/), the commands or the public surface",
      from: { path: DOMAIN },
      to: { path: '^runner/(api|commands)/|^runner/(index|registration)\\.ts$' },
    },
    {
      name: 'api-below-commands',
      severity: 'error',
      comment: 'the api takes options and returns data; commands print',
      from: { path: '^runner/api/' },
      to: { path: '^runner/commands/|^runner/(index|registration)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|coverage)/|/\\.pipe/|^test/fixtures/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
