/** @module What `pipe init` writes into a repository: a commented pipeline.yaml, params.yaml and .pipe/config.yaml that load as they are. */
import { PACKAGE_NAME } from '../../command/package-name.js';

export const STARTER_PIPELINE = `# yaml-language-server: $schema=node_modules/${PACKAGE_NAME}/runner/pipeline/pipeline.schema.json
# The stages 'npx pipe repro' runs, in dependency order. A stage runs again only when its cmd,
# a dep's content or a param it reads changed; otherwise its outs come from the cache.
# Reference: docs/pipeline-yaml.md of ${PACKAGE_NAME}.
stages: {}
# Replace '{}' above with your stages, for example:
#
# stages:
#   prepare:
#     cmd: node src/prepare.js              # a string or a list, run by a shell at the root
#     deps: [src/prepare.js, data/raw]      # files and directories it reads ('pipe add data/raw')
#     params: [prepare.split]               # keys of params.yaml it reads
#     outs: [data/prepared]                 # what it writes: cached, git-ignored, pushed to remotes
#   train:
#     cmd: node src/train.js
#     deps: [src/train.js, data/prepared]
#     params: [train]
#     outs: [models/model]
#     metrics: [metrics/train.json]         # small JSON, committed to git; 'pipe metrics diff' compares them
#     plots:
#       - plots/loss.json: {x: epoch, y: loss, title: Loss}
#
# Promotion rules, checked by 'pipe gate' against a base revision:
# gates:
#   - metric: accuracy
#     min: 0.8                              # absolute threshold
#     max_drop: 0.01                        # allowed regression against the base
`;

export const STARTER_PARAMS = `# Parameters the stages read (their 'params:' name keys of this file). A stage re-runs when a key
# it reads changes; 'pipe params diff' compares them between revisions.
# prepare:
#   split: 0.2
# train:
#   epochs: 10
`;

export const STARTER_CONFIG = `# pipe's committed settings. Credentials never go here: they go in .pipe/config.local.yaml
# (git-ignored) or in the environment.
#
# Where 'pipe push' and 'pipe pull' send and get data ('pipe remote add NAME URL --default'
# writes this section for you):
# remotes:
#   storage:
#     url: s3://my-bucket/my-project        # or a directory path
# default_remote: storage
#
# How cached files are placed in the workspace, first that works wins:
# cache:
#   type: [reflink, hardlink, copy]
`;
