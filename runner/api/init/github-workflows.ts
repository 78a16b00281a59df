/**
 * @module The promotion workflows (feature → dev, dev → test, test → main, with the registry's
 * model-stage.yml they call on a merge and rollback.yml run by hand) that
 * `pipe init --ci github` writes for a user's own repository: their artifact's name and path,
 * their install and test commands, and `npx pipe …` from their devDependency (never this
 * repository's bin/ or dist/). docs/ci.md explains what each one does.
 */
import { PACKAGE_NAME } from '../../command/package-name.js';

export interface GithubCiOptions {
  /** The artifact the promotion tags (`NAME@vX.Y.Z`) and bundles. */
  readonly model: { readonly name: string; readonly path: string };
  /** Installs the repository's dependencies, pipe among them (default `npm ci`). */
  readonly install: string;
  /** Checks the code on the way into dev; no such step when undefined. */
  readonly test?: string;
  /** The pipe root inside the git work tree, POSIX ('' at the top): where the jobs run. */
  readonly prefix: string;
}

export const WORKFLOW_FILES = ['feature-to-dev.yml', 'dev-to-test.yml', 'test-to-main.yml', 'model-stage.yml', 'rollback.yml'] as const;

/** File name → content, for `.github/workflows/` at the git work tree's top. */
export function githubWorkflows(o: GithubCiOptions): Record<(typeof WORKFLOW_FILES)[number], string> {
  return {
    'feature-to-dev.yml': featureToDev(o),
    'dev-to-test.yml': devToTest(o),
    'test-to-main.yml': testToMain(o),
    'model-stage.yml': modelStage(o),
    'rollback.yml': rollback(o),
  };
}

/**
 * The shell of the registry steps (GitHub runs it with bash -eo pipefail), shared with this
 * repository's own model-stage.yml and rollback.yml (test/workflows.test.ts checks they match).
 * `npx pipe`, MODEL_NAME and STAGE from the step's env; jq is on GitHub's runners.
 */
export const REGISTRY_SCRIPTS = {
  stage: `set -euo pipefail
# A new version, unless this content has one already (a merge that did not change the
# model, or the model arriving from the branch before): then --if-changed names that one.
registered=$(npx pipe model register "$MODEL_NAME" --bump auto --if-changed --push --json)
version=$(jq -r .version <<<"$registered")
if [ "$(jq -r .created <<<"$registered")" = true ]; then
  echo "Registered $MODEL_NAME@$version ($(jq -r .tag <<<"$registered"))." | tee -a "$GITHUB_STEP_SUMMARY"
else
  echo "No new version: $MODEL_NAME@$version holds this model already." | tee -a "$GITHUB_STEP_SUMMARY"
fi
holder=$(npx pipe model show "$MODEL_NAME" --json | jq -r --arg stage "$STAGE" '.artifacts[0].stages[$stage].version // ""')
if [ "$holder" = "$version" ]; then
  echo "$MODEL_NAME@$version holds '$STAGE' already: nothing to assign." | tee -a "$GITHUB_STEP_SUMMARY"
else
  npx pipe model assign "$MODEL_NAME" --stage "$STAGE" --version "$version" --push | tee -a "$GITHUB_STEP_SUMMARY"
fi
`,
  rollback: `set -uo pipefail
echo "## Rollback of $MODEL_NAME#$STAGE (asked by $GITHUB_ACTOR)" >> "$GITHUB_STEP_SUMMARY"
if out=$(npx pipe model rollback "$MODEL_NAME" --stage "$STAGE" --push 2>&1); then
  echo "$out" | tee -a "$GITHUB_STEP_SUMMARY"
  { echo; npx pipe model show "$MODEL_NAME" --md; } >> "$GITHUB_STEP_SUMMARY"
else
  status=$?
  echo "$out"
  { echo "Rollback failed (exit $status):"; echo; echo "$out"; } >> "$GITHUB_STEP_SUMMARY"
  exit "$status"
fi
`,
} as const;

/** `text` with every non-empty line indented by `n` spaces (a block scalar's body). */
const indent = (text: string, n: number): string => text.replace(/^(?=.)/gm, ' '.repeat(n));

/** A YAML scalar that reads back as exactly `s` (JSON strings are YAML double-quoted scalars). */
const q = (s: string): string => JSON.stringify(s);

/** A path of the pipe root, as seen from the work tree's top (where actions and hashFiles look). */
const at = (o: GithubCiOptions, path: string): string => (o.prefix ? `${o.prefix}/${path}` : path);

function header(o: GithubCiOptions, what: string): string {
  return `# ${what}
# Written by 'pipe init --ci github' (${PACKAGE_NAME}); yours to edit, pipe never rewrites it.
# Runs 'npx pipe …' from the ${PACKAGE_NAME} devDependency. Secrets and variables: see the
# "CI: pull requests and promotion" guide of ${PACKAGE_NAME} (docs/ci.md).
`;
}

function workingDirectory(o: GithubCiOptions): string {
  return o.prefix ? `\ndefaults:\n  run:\n    working-directory: ${q(o.prefix)}\n` : '';
}

function setup(o: GithubCiOptions, install: string): string {
  return `      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm

      # node_modules itself is cached, keyed on the lockfile: on a hit, no install at all.
      - name: Restore node_modules
        id: modules
        uses: actions/cache@v4
        with:
          path: ${q(at(o, 'node_modules'))}
          key: node-modules-\${{ runner.os }}-node20-\${{ hashFiles('${at(o, 'package-lock.json')}') }}

      - run: ${q(install)}
        if: \${{ steps.modules.outputs.cache-hit != 'true' }}
`;
}

function pipeCache(o: GithubCiOptions, prefix: string, name: string): string {
  return `      - name: ${name}
        uses: actions/cache@v4
        with:
          path: ${q(at(o, '.pipe/cache'))}
          key: ${prefix}-\${{ runner.os }}-\${{ hashFiles('${at(o, 'data.lock')}') }}
          restore-keys: |
            ${prefix}-\${{ runner.os }}-
`;
}

const REMOTE = `      # Only when the remote is not committed in .pipe/config.yaml: written to the git-ignored
      # .pipe/config.local.yaml of this checkout.
      - name: Add the CI remote (vars.PIPE_REMOTE_URL)
        if: \${{ vars.PIPE_REMOTE_URL != '' }}
        env:
          PIPE_REMOTE_URL: \${{ vars.PIPE_REMOTE_URL }}
          PIPE_REMOTE_ENDPOINT: \${{ vars.PIPE_REMOTE_ENDPOINT }}
        run: |
          args=(ci "$PIPE_REMOTE_URL" --default --local)
          if [ -n "$PIPE_REMOTE_ENDPOINT" ]; then args+=(--endpoint "$PIPE_REMOTE_ENDPOINT"); fi
          npx pipe remote add "\${args[@]}"
`;

const CREDENTIALS = `        env:
          AWS_ACCESS_KEY_ID: \${{ secrets.AWS_ACCESS_KEY_ID }}
          AWS_SECRET_ACCESS_KEY: \${{ secrets.AWS_SECRET_ACCESS_KEY }}
          AWS_REGION: \${{ vars.AWS_REGION }}
`;

/** A pull request job's token: it comments the report and sets the pipe/gate status. */
const PR_PERMISSIONS = `    permissions:
      contents: read
      pull-requests: write # the report comment
      statuses: write # the pipe/gate commit status
`;

/** The report posted to the pull request (also after a failed repro when `always`), then the gate against `origin/BRANCH`. */
function reportAndGate(branch: string, always: boolean): string {
  return `      - name: Post the report to the pull request
${always ? '        if: ${{ !cancelled() }}\n' : ''}        env:
          GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}
        run: npx pipe report --base origin/${branch} -o report.md --post

      - name: Gate against ${branch}
        run: npx pipe gate --base origin/${branch}
`;
}

const CHECKOUT = `      - uses: actions/checkout@v4
        with:
          fetch-depth: 0 # pipe report/gate --base origin/BRANCH read the base branch from git
`;

/** The registry is the repository's tags, and it reads data.lock at registered commits: a shallow checkout has neither. */
const REGISTRY_CHECKOUT = `      # The registry is the repository's tags and reads data.lock at registered commits: a shallow
      # checkout has neither the tags nor those commits.
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
          fetch-tags: true
`;

/** The bot as the tagger: the tagger of a registry tag is its audit trail (pipe model history). */
const BOT = `          GIT_COMMITTER_NAME: github-actions[bot]
          GIT_COMMITTER_EMAIL: 41898282+github-actions[bot]@users.noreply.github.com
`;

function upload(o: GithubCiOptions, name: string, paths: readonly string[]): string {
  return `      - name: Upload the report and plots
        if: \${{ !cancelled() }}
        uses: actions/upload-artifact@v4
        with:
          name: ${name}
          path: |
${paths.map((p) => `            ${at(o, p)}`).join('\n')}
          if-no-files-found: warn
`;
}

/**
 * The triggers, token and concurrency of a promotion workflow: pull requests into `branch`
 * (superseded runs cancelled) and pushes to it, the merges (queued, never cancelled midway).
 */
function onPullRequestsAndPushes(branch: string, o: GithubCiOptions): string {
  return `on:
  pull_request:
    branches: [${branch}]
  push:
    branches: [${branch}] # the merge: the registry job

permissions:
  contents: read

concurrency:
  group: \${{ github.workflow }}-\${{ github.event.pull_request.number || github.ref }}
  # Newer commits on a PR replace older runs; pushes queue, so none stops halfway through tagging.
  cancel-in-progress: \${{ github.event_name == 'pull_request' }}
${workingDirectory(o)}`;
}

/** The job that calls model-stage.yml on the push to a branch: its model gets `stage` (prod only after the bundle). */
function registryJob(o: GithubCiOptions, stage: string, afterBundle: boolean): string {
  const when = afterBundle
    ? `    needs: bundle
    # !cancelled(): gate (skipped on push) would otherwise skip this job too. After the bundle:
    # ${stage} goes only to a model that the bundle could pull from the remote.
    if: \${{ !cancelled() && github.event_name == 'push' && needs.bundle.result == 'success' }}
`
    : `    if: \${{ github.event_name == 'push' }}
`;
  return `
  registry:
    name: register the model and assign ${stage}
${when}    permissions:
      contents: write # push the registry's tags
    uses: ./.github/workflows/model-stage.yml
    with:
      stage: ${stage}
      model: ${q(o.model.name)}
`;
}

/** A job-level condition: only on pull requests (the push runs the registry job instead). */
const ON_PR = `    if: \${{ github.event_name == 'pull_request' }}
`;

function featureToDev(o: GithubCiOptions): string {
  const test = o.test ? `\n      - name: Test the code\n        run: ${q(o.test)}\n` : '';
  return `${header(o, 'Promotion step 1: a feature branch into dev. Runs the pipeline as a smoke test and uploads\n# the report against dev. Pushes nothing, posts nothing: no secrets needed.')}name: feature → dev

${onPullRequestsAndPushes('dev', o)}
jobs:
  smoke:
    name: test and smoke-run the pipeline
${ON_PR}    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
${CHECKOUT}
${setup(o, o.install)}${test}
${pipeCache(o, 'pipe-smoke', 'Restore the pipe cache (run-cache of earlier runs)')}
      - name: Run the pipeline
        run: npx pipe repro

      - name: Report against dev
        env:
          BASE_REF: \${{ github.base_ref }}
        run: npx pipe report --base "origin/$BASE_REF" -o report.md

${upload(o, 'pipe-report-pr${{ github.event.pull_request.number }}-smoke', ['report.md', 'report-plots/'])}${registryJob(o, 'dev', false)}`;
}

function devToTest(o: GithubCiOptions): string {
  return `${header(o, 'Promotion step 2: dev into test. Reproduces the pipeline (restoring what the remote holds),\n# pushes what it computed, posts the report to the pull request and gates against test.')}name: dev → test

${onPullRequestsAndPushes('test', o)}
jobs:
  reproduce:
    name: reproduce, push, report and gate
${ON_PR}    runs-on: ubuntu-latest
    timeout-minutes: 60
${PR_PERMISSIONS}    steps:
${CHECKOUT}
${setup(o, o.install)}
${pipeCache(o, 'pipe-cache', 'Restore the pipe cache')}
${REMOTE}
      # Objects that dev never pushed are not an error here: repro computes them and push sends them.
      - name: Pull the data and models of data.lock
${CREDENTIALS}        run: npx pipe pull || echo "::warning title=pipe pull::not everything data.lock references is on the remote yet; pipe repro computes the rest"

      - name: Reproduce the pipeline (restoring from the remote run-cache)
${CREDENTIALS}        run: npx pipe repro --pull

      - name: Push data, models and run-cache entries
${CREDENTIALS}        run: npx pipe push

${reportAndGate('test', true)}
${upload(o, 'pipe-report-pr${{ github.event.pull_request.number }}', ['report.md', 'report-plots/'])}${registryJob(o, 'test', false)}`;
}

function testToMain(o: GithubCiOptions): string {
  const { name, path } = o.model;
  return `${header(o, `Promotion step 3: test into main. On the pull request: the report and the gate against main,\n# and a bundle of ${path} for review. On the push to main (the merge): the bundle again, then\n# the registry job (model-stage.yml): ${name} gets stage prod.`)}name: test → main

${onPullRequestsAndPushes('main', o)}
jobs:
  gate:
    name: gate against main
    if: \${{ github.event_name == 'pull_request' }}
    runs-on: ubuntu-latest
    timeout-minutes: 20
${PR_PERMISSIONS}    steps:
${CHECKOUT}
${setup(o, o.install)}
${reportAndGate('main', false)}
${upload(o, 'pipe-report-pr${{ github.event.pull_request.number }}-main', ['report.md', 'report-plots/'])}
  bundle:
    name: bundle the model
    needs: gate
    # On a push the gate job is skipped (it ran on the pull request); the bundle runs regardless.
    if: \${{ !cancelled() && (needs.gate.result == 'success' || needs.gate.result == 'skipped') }}
    runs-on: ubuntu-latest
    timeout-minutes: 20
    steps:
${CHECKOUT}
${setup(o, o.install)}
${pipeCache(o, 'pipe-cache', 'Restore the pipe cache')}
${REMOTE}
      - name: Pull the promoted model
${CREDENTIALS}          MODEL_PATH: ${q(path)}
        run: npx pipe pull "$MODEL_PATH"

      - name: Package the bundle
        id: package
        env:
          MODEL_NAME: ${q(name)}
          MODEL_PATH: ${q(path)}
        run: |
          set -euo pipefail
          bundle="$MODEL_NAME-bundle-\${GITHUB_SHA::12}"
          mkdir -p "$bundle/$(dirname "$MODEL_PATH")"
          cp -RL "$MODEL_PATH" "$bundle/$MODEL_PATH"   # -L: the workspace copy is linked from .pipe/cache
          cp pipeline.yaml data.lock "$bundle/"
          if [ -f params.yaml ]; then cp params.yaml "$bundle/"; fi
          tar -czf "$bundle.tar.gz" "$bundle"
          echo "name=$bundle" >> "$GITHUB_OUTPUT"

      - uses: actions/upload-artifact@v4
        with:
          name: \${{ steps.package.outputs.name }}
          path: ${at(o, '${{ steps.package.outputs.name }}.tar.gz')}
          if-no-files-found: error
${registryJob(o, 'prod', true)}`;
}

function modelStage(o: GithubCiOptions): string {
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

function rollback(o: GithubCiOptions): string {
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
