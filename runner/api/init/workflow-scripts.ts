/** @module The shell scripts of generated workflows that this repository's own workflows run too (test/workflows.test.ts checks they match). */
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

