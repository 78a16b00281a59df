/**
 * @module test-to-main.yml's service job: after the merge gave the model stage prod, `pipe serve
 * build NAME#prod`, a smoke test of what it built, and its image pushed to ghcr.io tagged with
 * the model version (and prod).
 */
import { CREDENTIALS, indent, pipeCache, q, REGISTRY_CHECKOUT, REMOTE, setup, type GithubCiOptions } from './workflow-parts.js';
import { SERVICE_SMOKE_SCRIPT } from './workflow-scripts.js';

export function serviceJob(o: GithubCiOptions): string {
  const { name } = o.model;
  return `
  service:
    name: build, smoke-test and publish the inference service
    needs: registry
    # After the registry job: ${name}#prod is the model it just assigned. Only on the merge (push),
    # the one place a write token for the container registry is given.
    if: \${{ !cancelled() && github.event_name == 'push' && needs.registry.result == 'success' }}
    runs-on: ubuntu-latest
    timeout-minutes: 30
    permissions:
      contents: read
      packages: write # push the image to ghcr.io
    steps:
${REGISTRY_CHECKOUT}
${setup(o, o.install)}
${pipeCache(o, 'pipe-cache', 'Restore the pipe cache')}
${REMOTE}
      # Outside the work tree (the runner's temp directory): nothing of the project is overwritten.
      - name: Build the service for ${name}#prod
        id: build
${CREDENTIALS}          MODEL_NAME: ${q(name)}
        run: |
          set -euo pipefail
          npx pipe serve build "$MODEL_NAME#prod" -o "$RUNNER_TEMP/service" --force
          version="$(node -e "console.log(require(process.argv[1]).model.version ?? '')" "$RUNNER_TEMP/service/service.json")"
          # ghcr.io wants lowercase image names; GitHub keeps the owner's and repository's case.
          echo "image=ghcr.io/\${GITHUB_REPOSITORY,,}/$MODEL_NAME-service" >> "$GITHUB_OUTPUT"
          echo "version=\${version:-\${GITHUB_SHA::12}}" >> "$GITHUB_OUTPUT"

      - name: Smoke-test it (start, ready, one prediction, stop)
        working-directory: \${{ runner.temp }}/service
        run: |
${indent(SERVICE_SMOKE_SCRIPT, 10)}
      # docker login in a step of its own (not docker/login-action): the token reaches it through
      # env, never an action's with:.
      - name: Log in to ghcr.io
        env:
          GHCR_TOKEN: \${{ secrets.GITHUB_TOKEN }}
        run: echo "$GHCR_TOKEN" | docker login ghcr.io -u "$GITHUB_ACTOR" --password-stdin

      - uses: docker/build-push-action@v6
        with:
          context: \${{ runner.temp }}/service
          push: true
          tags: |
            \${{ steps.build.outputs.image }}:\${{ steps.build.outputs.version }}
            \${{ steps.build.outputs.image }}:prod
`;
}
