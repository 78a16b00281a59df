/** @module feature-to-dev.yml: pull requests into dev smoke-run the pipeline; the merge gives the model stage dev. */
import { CHECKOUT, header, ON_PR, onPullRequestsAndPushes, pipeCache, q, registryJob, setup, upload, type GithubCiOptions } from './workflow-parts.js';

export function featureToDev(o: GithubCiOptions): string {
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
