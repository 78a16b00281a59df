/** @module model-stage.yml: the registry step the promotion workflows call on a merge (register, assign the branch's stage). */
import { REGISTRY_SCRIPTS } from './workflow-scripts.js';
import { BOT, header, indent, q, REGISTRY_CHECKOUT, setup, workingDirectory, type GithubCiOptions } from './workflow-parts.js';

export function modelStage(o: GithubCiOptions): string {
  return `${header(o, `The model registry's step of the promotion, called by the three promotion workflows on a push\n# to their branch: dev's model gets stage dev, test's stage test, main's stage prod. It registers\n# the pushed commit's model as a new version (NAME@vX.Y.Z, bumped by [model:major] or [model:minor]\n# in the commit messages since the latest version, patch otherwise) unless that content has one,\n# then assigns the stage unless that version holds it. registry.stages (pipeline.yaml) is enforced.`)}name: model registry

on:
  workflow_call:
    inputs:
      stage:
        description: the registry stage this branch holds (dev, test or prod)
        required: true
        type: string
      model:
        description: the artifact (pipeline.yaml artifacts:)
        required: false
        type: string
        default: ${q(o.model.name)}

permissions:
  contents: read

# Registry writes of one stage go one at a time (a promotion and a rollback among them). Not
# github.workflow: in a called workflow that is the caller's name, and the run would wait on itself.
concurrency:
  group: pipe-model-registry-\${{ inputs.stage }}
  cancel-in-progress: false
${workingDirectory(o)}
jobs:
  stage:
    name: register the model and assign its stage
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      contents: write # push the registry's tags
    steps:
${REGISTRY_CHECKOUT}
${setup(o, o.install)}
      - name: Register the model and assign the stage
        env:
          MODEL_NAME: \${{ inputs.model }}
          STAGE: \${{ inputs.stage }}
${BOT}        run: |
${indent(REGISTRY_SCRIPTS.stage, 10)}`;
}
