import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPipeError, type PipeError } from '../../runner/index.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { startFakeGithubApi, type FakeGithubApi } from '../../test/helpers/fake-github-api.js';
import { postReport, type PostReportOptions } from './post-report.js';
import { REPORT_MARKER } from './report-marker.js';
import { reportErrorKinds } from '../errors.js';

const TOKEN = 'ghs_s3cr3tT0kenValue0123456789abcdefXYZ';
const HEAD = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const MERGE = 'ffffffffffffffffffffffffffffffffffffffff';
const FAST = { retries: 2, minDelayMs: 1 };
const REPORT = '# pipe report\n\n## Gate: passed\n\nauc 0.861 ≥ 0.8\n\n## Metrics\n\n| Metric | HEAD | workspace |\n| --- | --- | --- |\n| auc | 0.85 | 0.861 |\n';
const VERDICT = { state: 'success', description: 'gate passed: auc 0.861 ≥ 0.8' } as const;

let api: FakeGithubApi;
beforeEach(async () => {
  api = await startFakeGithubApi({ token: TOKEN });
});
afterEach(async () => {
  await api.close();
});

function prEnv(overrides: NodeJS.ProcessEnv = {}, event: unknown = { pull_request: { number: 7, head: { sha: HEAD } } }): NodeJS.ProcessEnv {
  const dir = tempDir('pipe-gh-');
  const eventPath = join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(event));
  return {
    GITHUB_TOKEN: TOKEN,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_API_URL: api.url,
    GITHUB_SHA: MERGE,
    ...overrides,
  };
}

const post = (opts: Partial<PostReportOptions> & { env: NodeJS.ProcessEnv }) => postReport({ markdown: REPORT, verdict: VERDICT, retry: FAST, ...opts });

async function failure(promise: Promise<unknown>): Promise<PipeError<'GITHUB_FAILED'>> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPipeError(err, 'GITHUB_FAILED')) throw new Error(`expected a GITHUB_FAILED PipeError, got ${inspect(err)}`);
  return err;
}

describe('postReport against a GitHub-shaped server', () => {
  it('creates the comment and sets the status on the first run', async () => {
    const result = await post({ env: prEnv() });

    expect(api.calls()).toEqual(['GET /repos/o/r/issues/7/comments', 'POST /repos/o/r/issues/7/comments', 'POST /repos/o/r/statuses/' + HEAD]);
    expect(api.requests[0]?.headers.authorization).toBe(`token ${TOKEN}`);
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0]?.body).toBe(`${REPORT_MARKER}\n${REPORT}`);
    const comment = api.comments[0]!;
    expect(result.comment).toEqual({ id: comment.id, url: `https://github.test/o/r/pull/7#issuecomment-${comment.id}`, action: 'created' });
    expect(api.statuses).toEqual([
      { sha: HEAD, state: 'success', context: 'pipe/gate', description: VERDICT.description, target_url: result.comment?.url },
    ]);
    expect(result.status).toEqual({ state: 'success', context: 'pipe/gate' });
  });

  it('updates the same comment on the next run instead of adding one', async () => {
    const first = await post({ env: prEnv() });
    api.requests.length = 0;
    const second = await post({
      env: prEnv(),
      markdown: REPORT.replace('0.861', '0.870'),
      verdict: { state: 'failure', description: 'gate failed: auc dropped' },
    });

    expect(api.calls()).toEqual(['GET /repos/o/r/issues/7/comments', `PATCH /repos/o/r/issues/comments/${first.comment?.id}`, `POST /repos/o/r/statuses/${HEAD}`]);
    expect(second.comment).toEqual({ ...first.comment, action: 'updated' });
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0]?.body).toContain('0.870');
    expect(api.statuses.map((s) => s.state)).toEqual(['success', 'failure']);
  });

  it('pages through the comments to find the marker', async () => {
    for (let i = 0; i < 130; i++) api.comments.push({ id: i + 1, issue: 7, body: `comment ${i}` });
    // A person quoting the marker does not make their comment pipe's.
    api.comments.push({ id: 499, issue: 7, body: `why does the report start with ${REPORT_MARKER}?` });
    api.comments.push({ id: 500, issue: 7, body: `${REPORT_MARKER}\nold report` });
    api.comments.push({ id: 501, issue: 8, body: `${REPORT_MARKER}\nanother PR's report` });

    const result = await post({ env: prEnv() });

    expect(api.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /repos/o/r/issues/7/comments?per_page=100',
      'GET /repos/o/r/issues/7/comments?per_page=100&page=2',
      'PATCH /repos/o/r/issues/comments/500',
      `POST /repos/o/r/statuses/${HEAD}`,
    ]);
    expect(result.comment?.id).toBe(500);
    expect(api.comments.find((c) => c.id === 501)?.body).toContain("another PR's report");
    expect(api.comments.find((c) => c.id === 499)?.body).toContain('why does the report');
  });

  it('stops paging once the marker is found', async () => {
    api.comments.push({ id: 1, issue: 7, body: `${REPORT_MARKER}\nold` });
    for (let i = 0; i < 250; i++) api.comments.push({ id: i + 2, issue: 7, body: `comment ${i}` });
    await post({ env: prEnv() });
    expect(api.calls()).toEqual(['GET /repos/o/r/issues/7/comments', 'PATCH /repos/o/r/issues/comments/1', `POST /repos/o/r/statuses/${HEAD}`]);
  });

  it('only sets the status outside a pull request (push event), on GITHUB_SHA', async () => {
    const result = await post({ env: prEnv({}, { ref: 'refs/heads/main', after: MERGE }) });
    expect(api.calls()).toEqual([`POST /repos/o/r/statuses/${MERGE}`]);
    expect(result.comment).toBeUndefined();
    expect(api.statuses[0]?.state).toBe('success');
  });

  it('retries a 500 and succeeds', async () => {
    api.script(`POST /repos/o/r/statuses/${HEAD}`, [{ status: 500, body: { message: 'Server Error' } }]);
    await post({ env: prEnv() });
    expect(api.calls()).toEqual([
      'GET /repos/o/r/issues/7/comments',
      'POST /repos/o/r/issues/7/comments',
      `POST /repos/o/r/statuses/${HEAD}`,
      `POST /repos/o/r/statuses/${HEAD}`,
    ]);
    expect(api.statuses).toHaveLength(1);
  });

  it('a comment POST that failed after GitHub stored it is not sent again: the stored comment is found and updated', async () => {
    api.script('POST /repos/o/r/issues/7/comments', [{ status: 502, body: { message: 'Bad Gateway' }, afterWrite: true }]);
    const result = await post({ env: prEnv() });
    expect(api.calls()).toEqual([
      'GET /repos/o/r/issues/7/comments',
      'POST /repos/o/r/issues/7/comments',
      'GET /repos/o/r/issues/7/comments',
      `PATCH /repos/o/r/issues/comments/${api.comments[0]?.id}`,
      `POST /repos/o/r/statuses/${HEAD}`,
    ]);
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0]?.body).toBe(`${REPORT_MARKER}\n${REPORT}`);
    expect(result.comment).toMatchObject({ id: api.comments[0]?.id, action: 'created' });
  });

  it('a comment POST that failed before anything was stored is sent again, once the comments show none', async () => {
    api.script('POST /repos/o/r/issues/7/comments', [{ status: 503, body: { message: 'Unavailable' } }]);
    await post({ env: prEnv() });
    expect(api.calls()).toEqual([
      'GET /repos/o/r/issues/7/comments',
      'POST /repos/o/r/issues/7/comments',
      'GET /repos/o/r/issues/7/comments',
      'POST /repos/o/r/issues/7/comments',
      `POST /repos/o/r/statuses/${HEAD}`,
    ]);
    expect(api.comments).toHaveLength(1);
  });

  it('a comment POST failing every time gives up after the configured retries, looking for a stored comment before each', async () => {
    api.script('POST /repos/o/r/issues/7/comments', Array.from({ length: 3 }, () => ({ status: 502, body: { message: 'Bad Gateway' } })));
    const err = await failure(post({ env: prEnv() }));
    expect(err.message).toBe('GitHub failed (502: Bad Gateway) after 2 retries for POST /repos/o/r/issues/7/comments; try again later (https://www.githubstatus.com)');
    expect(api.calls()).toEqual([
      'GET /repos/o/r/issues/7/comments',
      'POST /repos/o/r/issues/7/comments',
      'GET /repos/o/r/issues/7/comments',
      'POST /repos/o/r/issues/7/comments',
      'GET /repos/o/r/issues/7/comments',
      'POST /repos/o/r/issues/7/comments',
    ]);
    expect(api.comments).toHaveLength(0);
    expect(api.statuses).toHaveLength(0);
  });

  it('retries a secondary rate limit (403 with the message and retry-after)', async () => {
    api.script('POST /repos/o/r/issues/7/comments', [
      {
        status: 403,
        headers: { 'retry-after': '2' },
        body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
      },
    ]);
    const result = await post({ env: prEnv() });
    expect(api.calls()).toEqual([
      'GET /repos/o/r/issues/7/comments',
      'POST /repos/o/r/issues/7/comments',
      'POST /repos/o/r/issues/7/comments',
      `POST /repos/o/r/statuses/${HEAD}`,
    ]);
    expect(result.comment?.action).toBe('created');
    expect(api.comments).toHaveLength(1);
  });

  it('retries a 429 with retry-after and a 403 with retry-after', async () => {
    api.script('GET /repos/o/r/issues/7/comments', [{ status: 429, headers: { 'retry-after': '1' }, body: { message: 'Too Many Requests' } }]);
    api.script(`POST /repos/o/r/statuses/${HEAD}`, [{ status: 403, headers: { 'retry-after': '1' }, body: { message: 'slow down' } }]);
    await post({ env: prEnv() });
    expect(api.calls()).toEqual([
      'GET /repos/o/r/issues/7/comments',
      'GET /repos/o/r/issues/7/comments',
      'POST /repos/o/r/issues/7/comments',
      `POST /repos/o/r/statuses/${HEAD}`,
      `POST /repos/o/r/statuses/${HEAD}`,
    ]);
  });

  it('gives up after the configured retries and says GitHub failed', async () => {
    api.script('GET /repos/o/r/issues/7/comments', Array.from({ length: 5 }, () => ({ status: 502, body: { message: 'Bad Gateway' } })));
    const err = await failure(post({ env: prEnv() }));
    expect(api.calls()).toEqual(Array.from({ length: 3 }, () => 'GET /repos/o/r/issues/7/comments'));
    expect(err.message).toBe('GitHub failed (502: Bad Gateway) after 2 retries for GET /repos/o/r/issues/7/comments; try again later (https://www.githubstatus.com)');
    expect(err.data).toEqual({ status: 502, request: 'GET /repos/o/r/issues/7/comments' });
    expect(reportErrorKinds[err.code]).toBe('failed');
  });

  it('a plain 403 is not retried and says which permissions to grant', async () => {
    api.script('POST /repos/o/r/issues/7/comments', [{ status: 403, body: { message: 'Resource not accessible by integration' } }]);
    const err = await failure(post({ env: prEnv() }));
    expect(api.calls()).toEqual(['GET /repos/o/r/issues/7/comments', 'POST /repos/o/r/issues/7/comments']);
    expect(err.message).toBe(
      'GitHub denied POST /repos/o/r/issues/7/comments (403: Resource not accessible by integration): give the job `permissions: pull-requests: write and statuses: write` (pull requests from forks get a read-only token), or set GITHUB_TOKEN to a token that has them',
    );
    expect(err.data.status).toBe(403);
  });

  it('a refused token (401) is named, not retried', async () => {
    const err = await failure(post({ env: prEnv({ GITHUB_TOKEN: 'ghs_wrongTokenValue0000000000000000000' }) }));
    expect(api.calls()).toEqual(['GET /repos/o/r/issues/7/comments']);
    expect(err.message).toBe(
      'GitHub refused the token (401) for GET /repos/o/r/issues/7/comments: set GITHUB_TOKEN to a valid token with pull-requests: write and statuses: write',
    );
    expect(err.message).not.toContain('ghs_wrong');
  });

  it('a repository GitHub does not know (404) is named', async () => {
    const err = await failure(post({ env: prEnv({ GITHUB_REPOSITORY: 'o/nope' }) }));
    expect(api.calls()).toEqual(['GET /repos/o/nope/issues/7/comments']);
    expect(err.message).toBe(
      "GitHub answered 404 for GET /repos/o/nope/issues/7/comments: GITHUB_REPOSITORY=o/nope not found or the token cannot see it; check the name and the token's repository access",
    );
  });

  it('a server that cannot be reached is named', async () => {
    const closed = await startFakeGithubApi();
    await closed.close();
    const err = await failure(post({ env: prEnv({ GITHUB_API_URL: closed.url }), retry: { retries: 1, minDelayMs: 1 } }));
    expect(err.message).toMatch(new RegExp(`^cannot reach the GitHub API at ${closed.url} \\(.*ECONNREFUSED.*\\) for GET /repos/o/r/issues/7/comments; check GITHUB_API_URL`));
  });

  it('without a token it says what to set and sends nothing', async () => {
    const err = await failure(post({ env: prEnv({ GITHUB_TOKEN: '' }) }));
    expect(err.message).toBe(
      'cannot post to GitHub: GITHUB_TOKEN is not set: give the step `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` and the job `permissions: pull-requests: write, statuses: write`',
    );
    expect(api.requests).toEqual([]);
  });

  it('without repository and event it names both and sends nothing', async () => {
    const err = await failure(post({ env: { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: api.url } }));
    expect(err.message).toContain('GITHUB_REPOSITORY is not set');
    expect(err.message).toContain('GITHUB_EVENT_PATH is not set');
    expect(api.requests).toEqual([]);
  });

  it('dry run prints every request and sends none', async () => {
    const lines: string[] = [];
    const result = await post({ env: prEnv({ GITHUB_RUN_ID: '42' }), dryRun: true, out: (l) => lines.push(l) });
    expect(api.requests).toEqual([]);
    expect(result).toEqual({ comment: undefined, status: { state: 'success', context: 'pipe/gate' } });
    const text = lines.join('\n');
    expect(text).toContain(`GET ${api.url}/repos/o/r/issues/7/comments?per_page=100`);
    expect(text).toContain(`PATCH ${api.url}/repos/o/r/issues/comments/ID (the comment found) or POST ${api.url}/repos/o/r/issues/7/comments`);
    expect(text).toContain(`POST ${api.url}/repos/o/r/statuses/${HEAD}`);
    expect(text).toContain('"context":"pipe/gate"');
    expect(text).toContain('"target_url":"https://github.com/o/r/actions/runs/42"');
    expect(text).toContain('Authorization: token ***');
  });

  it('posts a report longer than the limit shortened, with the verdict', async () => {
    const rows = Array.from({ length: 4000 }, (_, i) => `| m${i} | ${i} | ${i + 1} | +1 |`).join('\n');
    const big = `${REPORT}\n## All metrics\n\n| Metric | A | B | Change |\n| --- | --- | --- | --- |\n${rows}\n`;
    expect(big.length).toBeGreaterThan(65_536);
    await post({ env: prEnv({ GITHUB_RUN_ID: '42' }), markdown: big, fullReportPath: 'report.md' });
    const body = api.comments[0]?.body ?? '';
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.startsWith(REPORT_MARKER)).toBe(true);
    expect(body).toContain('## Gate: passed');
    expect(body).toContain('Table (4000 rows) omitted');
    expect(body).toContain('[report.md](https://github.com/o/r/actions/runs/42)');
  });

  it('never shows the token: not in errors (with their causes), dry-run output, comments or statuses', async () => {
    const seen: string[] = [];
    const lines: string[] = [];
    await post({ env: prEnv(), dryRun: true, out: (l) => lines.push(l) });
    seen.push(...lines);
    api.script('GET /repos/o/r/issues/7/comments', [{ status: 403, body: { message: `echoing ${TOKEN}` } }]);
    api.script(`POST /repos/o/r/statuses/${MERGE}`, [{ status: 500, body: { message: 'x' } }, { status: 500, body: { message: 'x' } }, { status: 500, body: { message: 'x' } }]);
    const attempts = [() => post({ env: prEnv() }), () => post({ env: prEnv({}, { after: MERGE }) }), () => post({ env: prEnv({ GITHUB_REPOSITORY: 'o/nope' }) })];
    for (const attempt of attempts) {
      const err = await failure(attempt());
      seen.push(err.message, String(err), JSON.stringify(err.data), inspect(err, { depth: Infinity }));
    }
    await post({ env: prEnv(), markdown: `${REPORT}\nGITHUB_TOKEN=${TOKEN}\n`, verdict: { state: 'error', description: `bad ${TOKEN}` } });
    seen.push(...api.comments.map((c) => c.body), ...api.statuses.map((s) => JSON.stringify(s)));
    expect(seen.join('\n')).toContain('GITHUB_TOKEN=***');
    expect(seen.join('\n')).not.toContain(TOKEN);
    expect(seen.join('\n')).not.toContain(TOKEN.slice(4, 20));
  });
});
