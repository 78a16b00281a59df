/** @module rollback.yml: gives a stage back to its previous version, run by hand. */
import { REGISTRY_SCRIPTS } from './workflow-scripts.js';
import { BOT, header, indent, q, REGISTRY_CHECKOUT, setup, workingDirectory, type GithubCiOptions } from './workflow-parts.js';

export function rollback(o: GithubCiOptions): string {
  return `${header(o, 'Rolls a stage back by hand (Actions → "model rollback" → Run workflow): the stage goes back to\n# the version that held it before, with a new assign tag; nothing is deleted. The outcome goes to\n# the job summary.')}name: model rollback

on:
  workflow_dispatch:
    inputs:
      model:
        description: the artifact (pipeline.yaml artifacts:)
        required: true
        type: string
        default: ${q(o.model.name)}
      stage:
        description: the stage to give back to its previous version
        required: true
        type: string
        default: prod

permissions:
  contents: read

# The same group as the promotion's registry job (model-stage.yml): never both at once on a stage.
concurrency:
  group: pipe-model-registry-\${{ inputs.stage }}
  cancel-in-progress: false
${workingDirectory(o)}
jobs:
  rollback:
    name: roll the stage back
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      contents: write # push the assign tag
    steps:
${REGISTRY_CHECKOUT}
${setup(o, o.install)}
      - name: Roll back
        env:
          MODEL_NAME: \${{ inputs.model }}
          STAGE: \${{ inputs.stage }}
${BOT}        run: |
${indent(REGISTRY_SCRIPTS.rollback, 10)}`;
}
