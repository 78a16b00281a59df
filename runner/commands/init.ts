/** @module `pipe init`: start a pipe project in a git repository (and, with --ci github, its promotion workflows). */
import { defineCommand } from '../command/command.js';

export const init = defineCommand({
  name: 'init',
  description: `
Writes a commented pipeline.yaml (no stages yet), params.yaml, .pipe/config.yaml (with
.pipe/.gitignore) and the managed block of .gitignore in the current directory, which must be
inside a git repository (run 'git init' first). Files that exist are not overwritten: init
names them and stops (exit 2) unless --force (overwrite) or --skip-existing (keep them).
--ci github also writes .github/workflows/feature-to-dev.yml, dev-to-test.yml,
test-to-main.yml (with the service job: pipe serve build NAME#prod, smoke-tested, its image
pushed to ghcr.io), model-stage.yml, rollback.yml and retrain.yml (weekly, by hand or on a
drift-detected repository_dispatch: a pull request into dev) at the top of the git repository: they
install your dependencies (--install-command, default 'npm ci'; pipe must be a devDependency)
and run 'npx pipe …'. The artifact they bundle and promote in the model registry (NAME@vX.Y.Z;
stages dev, test, prod) is --model PATH; without it, the one cached out under models/ of a
pipeline.yaml that init keeps (--skip-existing). NAME is the path's last part unless
--model-name; declare it under 'artifacts:' in pipeline.yaml.`,
  options: {
    force: { type: 'boolean', short: 'f', help: 'overwrite files that exist' },
    'skip-existing': { type: 'boolean', help: 'keep files that exist and write only the missing ones' },
    ci: { type: 'string', valueName: 'github', help: 'also write the promotion workflows (GitHub Actions)' },
    model: { type: 'string', valueName: 'PATH', help: 'with --ci: the out the workflows bundle and tag (default: the one cached out under models/)' },
    'model-name': { type: 'string', valueName: 'NAME', help: "with --ci: the artifact's name in the registry, NAME@vX.Y.Z (default: PATH's last part)" },
    'install-command': { type: 'string', valueName: 'CMD', help: "with --ci: how the workflows install dependencies (default: 'npm ci')" },
    'test-command': { type: 'string', valueName: 'CMD', help: 'with --ci: a check of the code run on pull requests into dev (default: none)' },
  },
  async run({ options, io }) {
    const { init: runInit } = await import('../api/init/init.js');
    const r = await runInit({
      cwd: io.cwd,
      force: options.force,
      skipExisting: options['skip-existing'],
      ci: options.ci,
      model: options.model,
      modelName: options['model-name'],
      installCommand: options['install-command'],
      testCommand: options['test-command'],
    });
    for (const f of r.written) io.out(`wrote ${f}\n`);
    for (const f of r.kept) io.out(`kept ${f} (it exists)\n`);
    if (r.model) {
      const { name, path } = r.model;
      io.out(`the workflows promote ${path} as ${name} in the model registry (${name}@vX.Y.Z, stages dev, test, prod): declare it in pipeline.yaml, under artifacts: ${name}: {path: ${path}}\n`);
    }
    io.out("Next: declare your stages in pipeline.yaml, run 'npx pipe repro', and commit pipeline.yaml, params.yaml, data.lock, .pipe/ and .gitignore.\n");
  },
});
