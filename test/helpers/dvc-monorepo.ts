/**
 * @module A DVC project with dvc.yaml files in subdirectories, as DVC 3 leaves it after `dvc repro`:
 * a root dvc.yaml (`prep`, and `summary` reading an out of `sub/`), `sub/dvc.yaml` (its own
 * params.yaml and vars file, a foreach, a dep on the root's out), the outs in the workspace and a
 * dvc.lock beside each dvc.yaml with paths relative to its directory, as DVC writes them.
 */
import { createHash } from 'node:crypto';
import { makeRepo, type Repo } from './repo.js';

/** pipe's names of the project's stages. */
export const MONOREPO_STAGES = ['prep', 'summary', 'sub/dvc.yaml:train', 'sub/dvc.yaml:eval@a', 'sub/dvc.yaml:eval@b'];

const count = (name: string, up = '') => `mkdir -p ${up}.counts && echo run >> ${up}.counts/${name}`;

const ROOT_DVC_YAML = `stages:
  prep:
    cmd: ${count('prep')} && mkdir -p data && echo clean > data/clean.txt
    outs:
      - data/clean.txt
  summary:
    cmd: ${count('summary')} && cat sub/eval-a.txt > summary.txt
    deps:
      - sub/eval-a.txt
    outs:
      - summary.txt
`;

const SUB_DVC_YAML = `vars:
  - vars.yaml
stages:
  train:
    cmd: ${count('sub-train', '../')} && cat ../data/clean.txt > model.txt && echo lr=\${train.lr} >> model.txt
    deps:
      - ../data/clean.txt
    outs:
      - model.txt
  eval:
    foreach: \${models}
    do:
      cmd: ${count('sub-eval-${item}', '../')} && cat model.txt > eval-\${item}.txt
      deps:
        - model.txt
      params:
        - threshold
      outs:
        - eval-\${item}.txt
`;

export function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** dvc.lock's entry for a path with `text` as its content, as DVC 3 writes it. */
function locked(path: string, text: string): string {
  return `    - path: ${path}\n      hash: md5\n      md5: ${md5(text)}\n      size: ${Buffer.byteLength(text)}\n`;
}

/** The project, up to date as DVC left it. */
export function dvcMonorepo(): Repo {
  const clean = 'clean\n';
  const model = `${clean}lr=0.1\n`;
  const repo = makeRepo({
    'dvc.yaml': ROOT_DVC_YAML,
    'sub/dvc.yaml': SUB_DVC_YAML,
    'sub/params.yaml': 'train:\n  lr: 0.1\nthreshold: 0.5\n',
    'sub/vars.yaml': 'models: [a, b]\n',
    'data/clean.txt': clean,
    'sub/model.txt': model,
    'sub/eval-a.txt': model,
    'sub/eval-b.txt': model,
    'summary.txt': model,
  });
  repo.write(
    'dvc.lock',
    `schema: '2.0'
stages:
  prep:
    cmd: ${count('prep')} && mkdir -p data && echo clean > data/clean.txt
    outs:
${locked('data/clean.txt', clean)}  summary:
    cmd: ${count('summary')} && cat sub/eval-a.txt > summary.txt
    deps:
${locked('sub/eval-a.txt', model)}    outs:
${locked('summary.txt', model)}`,
  );
  const evalStage = (item: string) => `  eval@${item}:
    cmd: ${count(`sub-eval-${item}`, '../')} && cat model.txt > eval-${item}.txt
    deps:
${locked('model.txt', model)}    params:
      params.yaml:
        threshold: 0.5
    outs:
${locked(`eval-${item}.txt`, model)}`;
  repo.write(
    'sub/dvc.lock',
    `schema: '2.0'
stages:
  train:
    cmd: ${count('sub-train', '../')} && cat ../data/clean.txt > model.txt && echo lr=0.1 >> model.txt
    deps:
${locked('../data/clean.txt', clean)}    params:
      params.yaml:
        train.lr: 0.1
    outs:
${locked('model.txt', model)}${evalStage('a')}${evalStage('b')}`,
  );
  return repo;
}
