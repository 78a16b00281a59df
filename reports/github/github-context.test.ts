import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { readGithubContext } from './github-context.js';

function eventFile(content: string): string {
  const path = join(tempDir('pipe-gh-ctx-'), 'event.json');
  writeFileSync(path, content);
  return path;
}

const base = { GITHUB_TOKEN: 'ghs_token_value_1234', GITHUB_REPOSITORY: 'acme/churn', GITHUB_SHA: 'f'.repeat(40) };

describe('readGithubContext', () => {
  it("takes the PR number and the PR's head commit (not the merge commit GITHUB_SHA names)", () => {
    const ctx = readGithubContext({
      env: {
        ...base,
        GITHUB_EVENT_PATH: eventFile(JSON.stringify({ pull_request: { number: 12, head: { sha: 'a'.repeat(40) } } })),
        GITHUB_API_URL: 'https://ghe.example.com/api/v3/',
        GITHUB_SERVER_URL: 'https://ghe.example.com',
        GITHUB_RUN_ID: '99',
      },
    });
    expect(ctx).toEqual({
      token: 'ghs_token_value_1234',
      owner: 'acme',
      repo: 'churn',
      apiUrl: 'https://ghe.example.com/api/v3',
      pullRequest: 12,
      sha: 'a'.repeat(40),
      runUrl: 'https://ghe.example.com/acme/churn/actions/runs/99',
    });
  });

  it('outside a pull request: no PR, the status goes on GITHUB_SHA, the API defaults to api.github.com', () => {
    const ctx = readGithubContext({ env: { ...base, GITHUB_EVENT_PATH: eventFile('{"ref":"refs/heads/main"}') } });
    expect(ctx.pullRequest).toBeUndefined();
    expect(ctx.sha).toBe('f'.repeat(40));
    expect(ctx.apiUrl).toBe('https://api.github.com');
    expect(ctx.runUrl).toBeUndefined();
  });

  it('names every problem at once, in one line', () => {
    expect(() => readGithubContext({ env: { GITHUB_REPOSITORY: 'just-a-name', GITHUB_EVENT_PATH: eventFile('not json') } })).toThrow(
      /^cannot post to GitHub: GITHUB_TOKEN is not set: .*; GITHUB_REPOSITORY=just-a-name is not OWNER\/REPO; the event file .* is not valid JSON$/,
    );
  });

  it('an unreadable event file and a pull request without a head commit are named', () => {
    expect(() => readGithubContext({ env: { ...base, GITHUB_EVENT_PATH: '/nonexistent/event.json' } })).toThrow(
      'cannot read the event file GITHUB_EVENT_PATH=/nonexistent/event.json (ENOENT)',
    );
    expect(() =>
      readGithubContext({ env: { ...base, GITHUB_SHA: '', GITHUB_EVENT_PATH: eventFile('{"pull_request":{"number":3}}') } }),
    ).toThrow('no commit to set the status on');
  });
});
