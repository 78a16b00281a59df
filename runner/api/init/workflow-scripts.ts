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


/**
 * One row the model accepts, printed as JSON, made from the served model's own
 * model/feature-schema.json at run time (any model pipe serves has one): the first non-null
 * category, the middle of a number's range (inside any bound), "x" for a string. A JavaScript
 * module for `node --input-type=module -e '…'`: no single quotes in it.
 */
export const EXAMPLE_ROW_SCRIPT = `import { readFileSync } from "node:fs";
const schema = JSON.parse(readFileSync("model/feature-schema.json", "utf8"));
const example = (p) => {
  if ("const" in p) return p.const;
  if (Array.isArray(p.enum)) return p.enum.find((v) => v !== null) ?? null;
  const types = [p.type ?? "string"].flat();
  if (types.includes("number") || types.includes("integer")) {
    const low = p.minimum ?? p.exclusiveMinimum;
    const high = p.maximum ?? p.exclusiveMaximum;
    const n = low !== undefined && high !== undefined ? (low + high) / 2 : low !== undefined ? low + 1 : high !== undefined ? high - 1 : 1;
    return types.includes("number") ? n : Math.round(n);
  }
  if (types.includes("boolean")) return true;
  if (types.includes("string")) return "x";
  return null;
};
const row = Object.fromEntries(Object.entries(schema.properties).map(([name, p]) => [name, example(p)]));
console.log(JSON.stringify(row));
`;

/**
 * The smoke test of a built service (\`pipe serve build -o DIR\`), run in DIR: install as its
 * Dockerfile does, start it, wait for /health/ready, one POST /predict, SIGTERM, and a graceful
 * exit 0. The service's log goes to the job's output whatever happens.
 */
export const SERVICE_SMOKE_SCRIPT = `set -euo pipefail
if [ -f package-lock.json ]; then npm ci --omit=dev --no-audit --no-fund; else npm install --omit=dev --no-audit --no-fund; fi
log="$RUNNER_TEMP/service.log"
PORT=8080 HOST=127.0.0.1 node server.js > "$log" 2>&1 &
pid=$!
# On the way out, however it goes: the server stopped (a no-op after the graceful stop) and its log shown.
trap 'kill "$pid" 2> /dev/null || true; echo; echo "--- the service log:"; cat "$log"' EXIT
ready=false
for _ in $(seq 1 90); do
  if curl -fsS http://127.0.0.1:8080/health/ready > /dev/null 2>&1; then ready=true; break; fi
  if ! kill -0 "$pid" 2> /dev/null; then echo "::error title=service::the service exited before it was ready"; exit 1; fi
  sleep 1
done
if [ "$ready" != true ]; then echo "::error title=service::the service was not ready after 90 s"; exit 1; fi
row="$(node --input-type=module -e '
${EXAMPLE_ROW_SCRIPT.replace(/^(?=.)/gm, '  ')}')"
echo "POST /predict $row"
curl -sS --fail-with-body -X POST -H 'content-type: application/json' --data "$row" http://127.0.0.1:8080/predict
echo
kill -TERM "$pid"
wait "$pid" # a graceful shutdown exits 0
`;

/**
 * Commits what a retraining changed to a new branch and opens a pull request into BASE_BRANCH
 * whose description is pr-body.md; nothing changed, no pull request. GH_TOKEN, TRIGGER and
 * BASE_BRANCH from the step's env (gh is on GitHub's runners).
 */
export const RETRAIN_PULL_REQUEST_SCRIPT = `set -euo pipefail
git add -u
if git diff --cached --quiet; then
  echo "Nothing changed: the fresh data gave the same results; no pull request." | tee -a "$GITHUB_STEP_SUMMARY"
  exit 0
fi
branch="retrain/$(date -u +%Y-%m-%d)-run$GITHUB_RUN_NUMBER"
git switch -c "$branch"
git commit -qm "Retrain on fresh data ($TRIGGER, run $GITHUB_RUN_NUMBER)"
git push origin "$branch"
url=$(gh pr create --base "$BASE_BRANCH" --head "$branch" --title "Retrain on fresh data ($TRIGGER, $(date -u +%Y-%m-%d))" --body-file pr-body.md)
echo "Opened $url" | tee -a "$GITHUB_STEP_SUMMARY"
`;
