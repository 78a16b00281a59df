/** @module `pipe report --post` through the real bin against a local server speaking GitHub's REST shapes: the exact requests, one comment updated in place, the verdict as a status, clear errors, no token in any output. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGithubApi, type FakeGithubApi } from '../helpers/fake-github-api.js';
import { commitAll, git } from '../helpers/git.js';
import { makeRepo, ok, removeRepos, template, type Repo } from '../helpers/repo.js';

afterAll(removeRepos);

const TOKEN = 'ghs_e2eS3cretTokenValue0123456789abcdef';
const PIPELINE = `stages:
  evaluate:
    cmd: cp inputs/eval.json metrics/eval.json
    deps: [inputs/eval.json]
    metrics: [metrics/eval.json]
gates:
  - metric: auc
    min: 0.8
    max_drop: 0.01
`;

/** main (auc 0.85) and a feature branch that regressed (auc 0.83), checked out; each ran `pipe repro`. */
const history = template(async () => {
  const repo = makeRepo({ 'pipeline.yaml': PIPELINE, 'inputs/eval.json': '{"auc": 0.85}', 'metrics/.keep': '' });
  git(repo, 'checkout', '-q', '-b', 'main');
  await ok(repo, ['repro']);
  commitAll(repo, 'base');
  git(repo, 'checkout', '-q', '-b', 'feature');
  repo.write('inputs/eval.json', '{"auc": 0.83}');
  await ok(repo, ['repro']);
  commitAll(repo, 'worse');
  return repo;
});

let api: FakeGithubApi;
beforeEach(async () => {
  api = await startFakeGithubApi({ token: TOKEN });
});
afterEach(async () => {
  await api.close();
});

function actionsEnv(repo: Repo, overrides: Record<string, string> = {}): Record<string, string> {
  const head = git(repo, 'rev-parse', 'HEAD').trim();
  const event = join(repo.dir, '.git', 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 12, head: { sha: head } } }));
  return { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_PATH: event, GITHUB_API_URL: api.url, GITHUB_BASE_REF: 'main', ...overrides };
}

describe('pipe report --post', () => {
  it('first run: creates the comment and a failure status; second run: updates that same comment', async () => {
    const repo = await history();
    const env = actionsEnv(repo);
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    const first = await repo.pipe(['report', '--post', '-o', 'report.md', '--no-plots'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(api.calls()).toEqual(['GET /repos/o/r/issues/12/comments', 'POST /repos/o/r/issues/12/comments', `POST /repos/o/r/statuses/${head}`]);
    expect(api.comments).toHaveLength(1);
    const body = api.comments[0]?.body ?? '';
    expect(body.startsWith('<!-- pipe-report -->\n# pipe report: `feature` @ ')).toBe(true);
    expect(body).toContain('## ❌ Gate failed');
    expect(body).toContain('| auc | 0.85 | 0.83 | ≥ 0.8, drop ≤ 0.01 (≥ 0.84) | ❌ FAIL: dropped 0.02 (allowed 0.01) |');
    expect(api.statuses).toMatchObject([{ sha: head, state: 'failure', context: 'pipe/gate', description: 'gate failed: auc (dropped 0.02 (allowed 0.01))' }]);
    expect(first.stderr).toMatch(/report comment created: https:\/\/\S+\n/);
    expect(first.stderr).toContain('commit status pipe/gate: failure');

    repo.write('inputs/eval.json', '{"auc": 0.86}');
    await ok(repo, ['repro']);
    const second = await repo.pipe(['report', '--post', '-o', 'report.md', '--no-plots'], { env });
    expect(second.code, second.stderr).toBe(0);
    expect(api.calls().slice(3)).toEqual([`GET /repos/o/r/issues/12/comments`, `PATCH /repos/o/r/issues/comments/${api.comments[0]?.id}`, `POST /repos/o/r/statuses/${head}`]);
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0]?.body).toContain('## ✅ Gate passed');
    expect(api.statuses.at(-1)).toMatchObject({ state: 'success', description: 'gate passed: 1 rule' });
    for (const out of [first.stdout, first.stderr, second.stdout, second.stderr]) expect(out).not.toContain(TOKEN);
  });

  it('a 403 is one clear line and exit 1; a missing token sends nothing; the token appears nowhere', async () => {
    const repo = await history();
    api.script('POST /repos/o/r/issues/12/comments', [{ status: 403, body: { message: `Resource not accessible by integration (token ${TOKEN})` } }]);
    const denied = await repo.pipe(['report', '--post', '--no-plots'], { env: actionsEnv(repo) });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^error: GitHub denied POST \/repos\/o\/r\/issues\/12\/comments \(403: .*\): give the job `permissions: pull-requests: write and statuses: write`/m);
    expect(denied.stderr).not.toContain(TOKEN);
    expect(denied.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const before = api.requests.length;
    const none = await repo.pipe(['report', '--post', '--no-plots'], { env: actionsEnv(repo, { GITHUB_TOKEN: '' }) });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('GITHUB_TOKEN');
    expect(api.requests.length).toBe(before);
  });

  it('--dry-run prints the requests and sends none', async () => {
    const repo = await history();
    const r = await repo.pipe(['report', '--post', '--dry-run', '--no-plots'], { env: actionsEnv(repo) });
    expect(r.code, r.stderr).toBe(0);
    expect(api.requests).toEqual([]);
    expect(r.stdout).toContain('/repos/o/r/issues/12/comments');
    expect(r.stdout).toContain('/repos/o/r/statuses/');
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    // A dry run needs no token: it is how a workflow is tried out before the secret exists.
    const noToken = await repo.pipe(['report', '--post', '--dry-run', '--no-plots'], { env: actionsEnv(repo, { GITHUB_TOKEN: '' }) });
    expect(noToken.code, noToken.stderr).toBe(0);
    expect(noToken.stdout).toContain('/repos/o/r/statuses/');
    expect(api.requests).toEqual([]);
  });
});
