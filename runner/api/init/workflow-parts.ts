/**
 * @module The pieces every workflow of `pipe init --ci github` is made of: the options, the
 * header, the set-up steps, the caches, the remote and its credentials, the report and gate, the
 * registry job. One module per workflow (feature-to-dev.ts, …) puts them together.
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

/** `text` with every non-empty line indented by `n` spaces (a block scalar's body). */
export const indent = (text: string, n: number): string => text.replace(/^(?=.)/gm, ' '.repeat(n));

/** A YAML scalar that reads back as exactly `s` (JSON strings are YAML double-quoted scalars). */
export const q = (s: string): string => JSON.stringify(s);

/** A path of the pipe root, as seen from the work tree's top (where actions and hashFiles look). */
export const at = (o: GithubCiOptions, path: string): string => (o.prefix ? `${o.prefix}/${path}` : path);

export function header(o: GithubCiOptions, what: string): string {
  return `# ${what}
# Written by 'pipe init --ci github' (${PACKAGE_NAME}); yours to edit, pipe never rewrites it.
# Runs 'npx pipe …' from the ${PACKAGE_NAME} devDependency. Secrets and variables: see the
# "CI: pull requests and promotion" guide of ${PACKAGE_NAME} (docs/ci.md).
`;
}

export function workingDirectory(o: GithubCiOptions): string {
  return o.prefix ? `\ndefaults:\n  run:\n    working-directory: ${q(o.prefix)}\n` : '';
}

export function setup(o: GithubCiOptions, install: string): string {
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

export function pipeCache(o: GithubCiOptions, prefix: string, name: string): string {
  return `      - name: ${name}
        uses: actions/cache@v4
        with:
          path: ${q(at(o, '.pipe/cache'))}
          key: ${prefix}-\${{ runner.os }}-\${{ hashFiles('${at(o, 'data.lock')}') }}
          restore-keys: |
            ${prefix}-\${{ runner.os }}-
`;
}

export const REMOTE = `      # Only when the remote is not committed in .pipe/config.yaml: written to the git-ignored
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

export const CREDENTIALS = `        env:
          AWS_ACCESS_KEY_ID: \${{ secrets.AWS_ACCESS_KEY_ID }}
          AWS_SECRET_ACCESS_KEY: \${{ secrets.AWS_SECRET_ACCESS_KEY }}
          AWS_REGION: \${{ vars.AWS_REGION }}
`;

/** A pull request job's token: it comments the report and sets the pipe/gate status. */
export const PR_PERMISSIONS = `    permissions:
      contents: read
      pull-requests: write # the report comment
      statuses: write # the pipe/gate commit status
`;

/** The report posted to the pull request (also after a failed repro when `always`), then the gate against `origin/BRANCH`. */
export function reportAndGate(branch: string, always: boolean): string {
  return `      - name: Post the report to the pull request
${always ? '        if: ${{ !cancelled() }}\n' : ''}        env:
          GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}
        run: npx pipe report --base origin/${branch} -o report.md --post

      - name: Gate against ${branch}
        run: npx pipe gate --base origin/${branch}
`;
}

export const CHECKOUT = `      - uses: actions/checkout@v4
        with:
          fetch-depth: 0 # pipe report/gate --base origin/BRANCH read the base branch from git
`;

/** The registry is the repository's tags, and it reads data.lock at registered commits: a shallow checkout has neither. */
export const REGISTRY_CHECKOUT = `      # The registry is the repository's tags and reads data.lock at registered commits: a shallow
      # checkout has neither the tags nor those commits.
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
          fetch-tags: true
`;

/** The bot as the tagger: the tagger of a registry tag is its audit trail (pipe model history). */
export const BOT = `          GIT_COMMITTER_NAME: github-actions[bot]
          GIT_COMMITTER_EMAIL: 41898282+github-actions[bot]@users.noreply.github.com
`;

export function upload(o: GithubCiOptions, name: string, paths: readonly string[]): string {
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
export function onPullRequestsAndPushes(branch: string, o: GithubCiOptions): string {
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
export function registryJob(o: GithubCiOptions, stage: string, afterBundle: boolean): string {
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
export const ON_PR = `    if: \${{ github.event_name == 'pull_request' }}
`;

