/** @module test-to-main.yml: pull requests into main gate and bundle; the merge bundles, gives the model stage prod and publishes its service (service-job.ts). */
import { serviceJob } from './service-job.js';
import { at, CHECKOUT, CREDENTIALS, header, onPullRequestsAndPushes, pipeCache, PR_PERMISSIONS, q, registryJob, REMOTE, reportAndGate, setup, upload, type GithubCiOptions } from './workflow-parts.js';

export function testToMain(o: GithubCiOptions): string {
  const { name, path } = o.model;
  return `${header(o, `Promotion step 3: test into main. On the pull request: the report and the gate against main,\n# and a bundle of ${path} for review. On the push to main (the merge): the bundle again, then\n# the registry job (model-stage.yml): ${name} gets stage prod; then the service job builds the\n# inference service for ${name}#prod (pipe serve build), smoke-tests it and pushes its image to\n# ghcr.io tagged with the model version.`)}name: test → main

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
${registryJob(o, 'prod', true)}${serviceJob(o)}`;
}
