/**
 * @module retrain.yml: weekly, by hand, or on a drift-detected repository_dispatch, reproduce
 * dev's pipeline on fresh data, push what it computed, and open a pull request into dev whose
 * description is the report against the model in production (NAME#prod).
 */
import { BOT, CREDENTIALS, header, indent, pipeCache, q, REGISTRY_CHECKOUT, REMOTE, setup, upload, workingDirectory, type GithubCiOptions } from './workflow-parts.js';
import { RETRAIN_PULL_REQUEST_SCRIPT } from './workflow-scripts.js';

export function retrain(o: GithubCiOptions, base: string): string {
  const { name } = o.model;
  const checkout = REGISTRY_CHECKOUT.replace('          fetch-depth: 0\n', `          ref: ${base}\n          fetch-depth: 0\n`);
  return `${header(
    o,
    `Retraining on fresh data: every Monday, by hand (Actions → "retrain" → Run workflow), or when
# Alertmanager reports that the served model's input data drifts (a repository_dispatch event of
# type drift-detected). Reproduces ${base}'s pipeline, pushes data and models, commits the results to a
# retrain/… branch and opens a pull request into ${base} whose description is the report against
# ${name}#prod. The promotion's gates decide from there.
#
# Fresh data: pipe repro runs a stage when its inputs changed. Mark the stage that reads your
# source (a warehouse query, a bucket prefix) always_changed: true in pipeline.yaml so that it runs
# every time, or change its params in a step before "Reproduce the pipeline".`,
  )}name: retrain

on:
  schedule:
    - cron: "17 4 * * 1" # Mondays 04:17 UTC
  workflow_dispatch:
  repository_dispatch:
    types: [drift-detected]

permissions:
  contents: read

# One retraining at a time; a second trigger waits rather than racing for the branch.
concurrency:
  group: retrain
  cancel-in-progress: false
${workingDirectory(o)}
jobs:
  retrain:
    name: retrain on fresh data and open a pull request into ${base}
    runs-on: ubuntu-latest
    timeout-minutes: 90
    permissions:
      contents: write # push the retrain/… branch
      pull-requests: write # open the pull request
    steps:
${checkout}
${setup(o, o.install)}
${pipeCache(o, 'pipe-cache', 'Restore the pipe cache')}
${REMOTE}
      - name: Pull the data and models of data.lock
${CREDENTIALS}        run: npx pipe pull || echo "::warning title=pipe pull::not everything data.lock references is on the remote; pipe repro computes the rest"

      # The why of this run goes to the job summary: the schedule, a person, or the alert's payload.
      - name: Record what started the run
        env:
          TRIGGER: \${{ github.event_name }}
          PAYLOAD: \${{ toJSON(github.event.client_payload) }}
        run: |
          {
            echo "## Retraining ($TRIGGER)"
            if [ "$TRIGGER" = repository_dispatch ]; then echo; echo '\`\`\`json'; echo "$PAYLOAD"; echo '\`\`\`'; fi
          } >> "$GITHUB_STEP_SUMMARY"

      - name: Reproduce the pipeline
${CREDENTIALS}        run: npx pipe repro --pull

      - name: Push data, models and run-cache entries
${CREDENTIALS}        run: npx pipe push

      # Against the model in production: what merging this retraining would change.
      - name: Report against ${name}#prod
        env:
          MODEL_NAME: ${q(name)}
        run: |
          npx pipe report --base "$MODEL_NAME#prod" -o report.md
          npx pipe report --base "$MODEL_NAME#prod" --no-plots -o pr-body.md

      # RETRAIN_TOKEN (a fine-grained token or a GitHub App's, with contents and pull-requests
      # write) when set: a pull request opened with GITHUB_TOKEN starts no workflow, so the
      # promotion checks would not run on it until someone pushes to the branch.
      - name: Commit to a branch and open the pull request into ${base}
        env:
          GH_TOKEN: \${{ secrets.RETRAIN_TOKEN || secrets.GITHUB_TOKEN }}
          TRIGGER: \${{ github.event_name }}
          BASE_BRANCH: ${base}
          GIT_AUTHOR_NAME: github-actions[bot]
          GIT_AUTHOR_EMAIL: 41898282+github-actions[bot]@users.noreply.github.com
${BOT}        run: |
${indent(RETRAIN_PULL_REQUEST_SCRIPT, 10)}
${upload(o, 'pipe-report-retrain-${{ github.run_number }}', ['report.md', 'report-plots/'])}`;
}
