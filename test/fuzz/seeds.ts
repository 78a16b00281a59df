/** @module Valid files of each format pipe reads, the starting points the fuzzer mutates. */

/** A value that only the secrets file holds: no message may ever contain it. */
export const SEED_SECRET = 'seedSecretValue9Zq7Xw';

const H = (c: string) => c.repeat(64);

export const PIPELINE_SEEDS: readonly string[] = [
  `# a comment
stages:
  prepare:
    cmd: node prepare.js
    deps: [raw.csv, prepare.js]
    params: [prepare.split, prepare.seed]
    outs:
      - data/prepared
  train:
    desc: the model
    cmd:
      - node train.js
      - echo done
    wdir: .
    deps: [data/prepared, train.js]
    params:
      - train.lr
      - other.yaml: [epochs]
    outs:
      - models/model.bin: {cache: true, persist: false}
    metrics: [metrics/train.json]
    plots:
      - plots/roc.json: {template: linear, x: fpr, y: tpr, title: ROC}
    env: {SEED: "1"}
    always_changed: false
    frozen: false
gates:
  - metric: auc
    min: 0.7
    max_drop: 0.01
`,
  `stages:
  a: {cmd: echo a > a.txt, outs: [a.txt]}
  b: {cmd: cat a.txt > b.txt, deps: [a.txt], outs: [b.txt]}
  c: {cmd: cat a.txt b.txt > c.txt, deps: [a.txt, b.txt], outs: [c.txt], metrics: [{m.json: {cache: false}}]}
`,
  `stages: {}\n`,
];

export const PARAMS_SEEDS: readonly string[] = [
  `prepare:
  split: 0.2   # held out
  seed: 42
train:
  lr: 0.001
  hidden: [64, 32]
  layers:
    - {units: 8, act: relu}
    - {units: 1, act: sigmoid}
  name: "churn"
epochs: 10
`,
  `{"prepare": {"split": 0.3, "seed": 1}, "train": {"lr": 1e-3, "hidden": []}, "epochs": 0}\n`,
];

export const LOCK_SEEDS: readonly string[] = [
  `schema: 1
stages:
  prepare:
    cmd: node prepare.js
    deps:
      - {path: prepare.js, hash: sha256:${H('a')}, size: 10}
      - {path: raw.csv, hash: sha256:${H('b')}, size: 20}
    params:
      params.yaml: {prepare.split: 0.2, prepare.seed: 42}
    outs:
      - {path: data/prepared, hash: sha256:${H('c')}.dir, size: 30, nfiles: 2}
  train:
    cmd: [node train.js, echo done]
    deps:
      - {path: data/prepared, hash: sha256:${H('c')}.dir, size: 30, nfiles: 2}
    params:
      params.yaml: {train.lr: 0.001}
      other.yaml: {epochs: 3}
    outs:
      - {path: models/model.bin, hash: sha256:${H('d')}, size: 40}
data:
  raw.csv: {hash: sha256:${H('b')}, size: 20}
`,
];

export const CONFIG_SEEDS: readonly string[] = [
  `# team settings
cache:
  type: [hardlink, copy]
remotes:
  share:
    url: ../store
    jobs: 8
  cloud:
    url: s3://ml-bucket/churn
    endpoint: http://127.0.0.1:9000
    region: eu-west-1
    force_path_style: true
default_remote: share
`,
];

export const LOCAL_CONFIG_SEEDS: readonly string[] = [
  `remotes:
  cloud:
    access_key_id: AKIAFUZZKEY
    secret_access_key: ${SEED_SECRET}
    session_token: "${SEED_SECRET}-token"
`,
];

/** Directory manifests (canonical bytes, as the cache stores them) and run-cache records. */
export const MANIFEST_SEEDS: readonly string[] = [
  `[{"relpath":"a.txt","hash":"${H('1')}","size":2,"exec":false},\n{"relpath":"sub/b.bin","hash":"${H('2')}","size":3,"exec":true}]\n`,
  `[]\n`,
];

export const RUN_RECORD_SEEDS: readonly string[] = [
  `{"stage":"train","outs":[{"path":"models/model.bin","hash":"sha256:${H('d')}","size":40}]}\n`,
];
