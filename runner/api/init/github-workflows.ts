/**
 * @module The three promotion workflows (feature → dev, dev → test, test → main) that
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

export const WORKFLOW_FILES = ['feature-to-dev.yml', 'dev-to-test.yml', 'test-to-main.yml'] as const;

/** File name → content, for `.github/workflows/` at the git work tree's top. */
export function githubWorkflows(o: GithubCiOptions): Record<(typeof WORKFLOW_FILES)[number], string> {
  return { 'feature-to-dev.yml': featureToDev(o), 'dev-to-test.yml': devToTest(o), 'test-to-main.yml': testToMain(o) };
}

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

/** The trigger, token and concurrency of a workflow on pull requests into `branch` (superseded runs cancelled). */
function onPullRequestsInto(branch: string, o: GithubCiOptions): string {
  return `on:
  pull_request:
    branches: [${branch}]

permissions:
  contents: read

concurrency:
  group: \${{ github.workflow }}-\${{ github.event.pull_request.number }}
  cancel-in-progress: true
${workingDirectory(o)}`;
}

function featureToDev(o: GithubCiOptions): string {
  const test = o.test ? `\n      - name: Test the code\n        run: ${q(o.test)}\n` : '';
  return `${header(o, 'Promotion step 1: a feature branch into dev. Runs the pipeline as a smoke test and uploads\n# the report against dev. Pushes nothing, posts nothing: no secrets needed.')}name: feature → dev

${onPullRequestsInto('dev', o)}
jobs:
  smoke:
    name: test and smoke-run the pipeline
    runs-on: ubuntu-latest
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

${upload(o, 'pipe-report-pr${{ github.event.pull_request.number }}-smoke', ['report.md', 'report-plots/'])}`;
}

function devToTest(o: GithubCiOptions): string {
  return `${header(o, 'Promotion step 2: dev into test. Reproduces the pipeline (restoring what the remote holds),\n# pushes what it computed, posts the report to the pull request and gates against test.')}name: dev → test

${onPullRequestsInto('test', o)}
jobs:
  reproduce:
    name: reproduce, push, report and gate
    runs-on: ubuntu-latest
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
${upload(o, 'pipe-report-pr${{ github.event.pull_request.number }}', ['report.md', 'report-plots/'])}`;
}

function testToMain(o: GithubCiOptions): string {
  const { name, path } = o.model;
  const lock = at(o, 'data.lock');
  return `${header(o, `Promotion step 3: test into main. On the pull request: the report and the gate against main,\n# and a bundle of ${path} for review. On the push to main (the merge): the bundle again, then\n# the version tag ${name}@vX.Y.Z ([model:minor] or [model:major] in the PR title bumps more than patch).`)}name: test → main

on:
  pull_request:
    branches: [main]
  push:
    branches: [main]

permissions:
  contents: read

concurrency:
  group: \${{ github.workflow }}-\${{ github.event.pull_request.number || github.ref }}
  # Newer commits on a PR replace older runs; merges to main queue, so none goes untagged midway.
  cancel-in-progress: \${{ github.event_name == 'pull_request' }}
${workingDirectory(o)}
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

  tag:
    name: tag the model version
    needs: bundle
    # !cancelled(): without it the implicit success() skips this job whenever gate (skipped on
    # push) was skipped, even though bundle itself succeeded.
    if: \${{ !cancelled() && github.event_name == 'push' && needs.bundle.result == 'success' }}
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      contents: write # push the tag
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0 # every ${name}@v* tag and the pushed range

${setup(o, `${o.install} --ignore-scripts`)}
      # Bump: [model:major] / [model:minor] in a commit message of the merge (e.g. the PR title),
      # patch otherwise; no tag when the model did not change.
      - name: Compute the next ${name}@vX.Y.Z
        id: next
        env:
          BEFORE: \${{ github.event.before }}
          MODEL_NAME: ${q(name)}
          MODEL_PATH: ${q(path)}
          LOCK: ${q(lock)}
        run: node node_modules/${PACKAGE_NAME}/scripts/next-model-tag.mjs --model "$MODEL_NAME" --path "$MODEL_PATH" --lock "$LOCK" --range "$BEFORE..$GITHUB_SHA"

      - name: Push the tag
        if: \${{ steps.next.outputs.action == 'create' }}
        env:
          TAG: \${{ steps.next.outputs.tag }}
          MODEL_HASH: \${{ steps.next.outputs.hash }}
          PREVIOUS: \${{ steps.next.outputs.previous }}
          MODEL_PATH: ${q(path)}
        run: |
          git config user.name "github-actions[bot]"
          git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
          git tag -a "$TAG" -m "$TAG" -m "$MODEL_PATH $MODEL_HASH, commit $GITHUB_SHA\${PREVIOUS:+, after $PREVIOUS}"
          git push origin "refs/tags/$TAG"

      - name: Say why there is no new tag
        if: \${{ steps.next.outputs.action != 'create' }}
        env:
          ACTION: \${{ steps.next.outputs.action }}
          TAG: \${{ steps.next.outputs.tag }}
          MODEL_PATH: ${q(path)}
        run: |
          if [ "$ACTION" = no-model ]; then
            echo "No new tag: data.lock records no $MODEL_PATH out at this commit."
          else
            echo "No new tag ($ACTION): the model is the one $TAG already names."
          fi
`;
}
