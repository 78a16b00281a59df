/** @module dev-to-test.yml: pull requests into test reproduce, push, report and gate; the merge gives the model stage test. */
import { CHECKOUT, CREDENTIALS, header, ON_PR, onPullRequestsAndPushes, pipeCache, PR_PERMISSIONS, registryJob, REMOTE, reportAndGate, setup, upload, type GithubCiOptions } from './workflow-parts.js';

export function devToTest(o: GithubCiOptions): string {
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
