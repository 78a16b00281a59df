/** @module A repository with two counted stages (prep → feats/, train → model.txt) reading param n, on branch main: the gc tests' starting point. */
import { git } from './git.js';
import { countRun, makeRepo, type Repo } from './repo.js';

export function twoStageRepo(): Repo {
  const repo = makeRepo({ 'params.yaml': 'n: 1\n', '.gitignore': '/.counts/\n', 'data/raw.csv': 'a,b\n1,2\n' });
  repo.stages({
    prep: {
      cmd: `${countRun('prep')} && rm -rf feats && mkdir -p feats && cp data/raw.csv feats/shared.txt && grep n: params.yaml > feats/n.txt`,
      deps: ['data/raw.csv'],
      params: ['n'],
      outs: ['feats'],
    },
    train: { cmd: `${countRun('train')} && cat feats/n.txt feats/shared.txt > model.txt`, deps: ['feats'], outs: ['model.txt'] },
  });
  git(repo, 'checkout', '-q', '-b', 'main');
  return repo;
}
