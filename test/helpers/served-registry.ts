/**
 * @module A repository whose registry holds real model packages as versions of its artifact
 * churn, for the tests of `pipe serve` changing models while it serves (SIGHUP, --watch, canary,
 * --workers). Its stage train copies `pkg/` to models/churn; a release makes a package that copy,
 * runs, commits and registers it. The workspace holds the last release: any earlier version
 * served is written out to a temporary directory.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, ok, type Repo } from './repo.js';

export interface ServedRegistry {
  readonly repo: Repo;
  /** `git ARGS…` in the repository, trimmed stdout. */
  git(...args: string[]): string;
  /** Makes `dir` the package the train stage copies, trains, commits and registers it as `version`. */
  release(dir: string, version: string): Promise<void>;
  /** `pipe model assign churn --version VERSION --stage STAGE --force`. */
  assign(version: string, stage: string): Promise<unknown>;
}

export function servedRegistry(): ServedRegistry {
  const repo = makeRepo({
    'pipeline.yaml': "stages:\n  train:\n    cmd: rm -rf models/churn && mkdir -p models && cp -r pkg models/churn\n    deps: [pkg]\n    outs: [models/churn]\nartifacts:\n  churn: {path: models/churn, type: model}\n",
  });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo.dir, encoding: 'utf8' }).trim();
  git('config', 'user.name', 'Reg Istrar');
  git('config', 'user.email', 'reg@example.com');
  return {
    repo,
    git,
    async release(dir, version) {
      rmSync(join(repo.dir, 'pkg'), { recursive: true, force: true });
      cpSync(dir, join(repo.dir, 'pkg'), { recursive: true });
      await ok(repo, ['repro']);
      git('add', '-A');
      git('commit', '-qm', `model ${version}`);
      await ok(repo, ['model', 'register', 'churn', '--version', version]);
    },
    assign: (version, stage) => ok(repo, ['model', 'assign', 'churn', '--version', version, '--stage', stage, '--force']),
  };
}
