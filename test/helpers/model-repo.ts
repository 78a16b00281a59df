/** @module A repository with one registrable model (artifact churn), for the `pipe model` tests. */
import { execFileSync } from 'node:child_process';
import { makeRepo, ok, type Files, type Repo } from './repo.js';

/** `git ARGS…` in the repository, trimmed stdout (the repository's own identity: see modelRepo). */
export const gitIn = (repo: Repo, ...args: string[]): string => execFileSync('git', args, { cwd: repo.dir, encoding: 'utf8' }).trim();

/** A repository of `files`, run (`pipe repro`) and committed by "Reg Istrar", who then writes its registry tags. */
export async function committedRepo(files: Files): Promise<Repo> {
  const repo = makeRepo(files);
  await ok(repo, ['repro']);
  gitIn(repo, 'config', 'user.name', 'Reg Istrar');
  gitIn(repo, 'config', 'user.email', 'reg@example.com');
  gitIn(repo, 'add', '-A');
  gitIn(repo, 'commit', '-qm', 'model 1');
  return repo;
}

/** The head of a pipeline.yaml whose stage train writes models/churn (its weights.txt a copy of params.yaml). */
export const TRAINED_FROM_PARAMS = ['stages:', '  train:', '    cmd: mkdir -p models/churn && cp params.yaml models/churn/weights.txt', '    deps: [params.yaml]', '    outs: [models/churn]'];

/** A repository whose stage writes models/churn from params.yaml's `size`, declared as artifact churn, run and committed by "Reg Istrar"; `extra` is appended to pipeline.yaml. */
export function modelRepo(extra = ''): Promise<Repo> {
  return committedRepo({
    'pipeline.yaml': [
      ...TRAINED_FROM_PARAMS,
      'artifacts:',
      '  churn: {path: models/churn, type: model}',
      extra,
    ].join('\n'),
    'params.yaml': 'size: 1\n',
  });
}
