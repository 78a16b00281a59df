/**
 * @module What posting needs from the GitHub Actions environment: token, repository, API URL,
 * pull request and head commit. Everything missing is named in one line that says what to set.
 */
import { readFileSync } from 'node:fs';
import { PipeError } from '../../runner/index.js';

export interface GithubContext {
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
  /** REST API root without a trailing slash (GitHub Enterprise: `https://HOST/api/v3`). */
  readonly apiUrl: string;
  /** The pull request; undefined outside a pull_request event (then only the status is set). */
  readonly pullRequest: number | undefined;
  /** The commit the status goes on: the PR's head commit (not the merge commit GITHUB_SHA names in a PR event). */
  readonly sha: string;
  /** The workflow run's page (status link, where the full report's artifact is), when known. */
  readonly runUrl: string | undefined;
}

const DEFAULT_API_URL = 'https://api.github.com';

interface PullRequestEvent {
  pull_request?: { number?: unknown; head?: { sha?: unknown } };
}

/** `requireToken: false` for a dry run, which shows the requests without sending them. */
export function readGithubContext({ env = process.env, requireToken = true }: { env?: NodeJS.ProcessEnv; requireToken?: boolean } = {}): GithubContext {
  const problems: string[] = [];
  const token = env.GITHUB_TOKEN ?? '';
  if (token === '' && requireToken) {
    problems.push(
      'GITHUB_TOKEN is not set: give the step `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` and the job `permissions: pull-requests: write, statuses: write`',
    );
  }
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner = '', repo = '', ...extra] = repository.split('/');
  if (owner === '' || repo === '' || extra.length > 0) {
    problems.push(
      repository === ''
        ? 'GITHUB_REPOSITORY is not set: set it to OWNER/REPO (GitHub Actions sets it)'
        : `GITHUB_REPOSITORY=${repository} is not OWNER/REPO`,
    );
  }
  const apiUrl = (env.GITHUB_API_URL || DEFAULT_API_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(apiUrl)) problems.push(`GITHUB_API_URL=${apiUrl} is not an http(s) URL`);
  const event = readEvent(env.GITHUB_EVENT_PATH, problems);

  const number = event?.pull_request?.number;
  const pullRequest = typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : undefined;
  if (event?.pull_request && pullRequest === undefined) problems.push(`the event in ${env.GITHUB_EVENT_PATH} has no pull_request.number`);
  const headSha = event?.pull_request?.head?.sha;
  const sha = typeof headSha === 'string' && headSha !== '' ? headSha : (env.GITHUB_SHA ?? '');
  if (event && sha === '') problems.push('no commit to set the status on: the event has no pull_request.head.sha and GITHUB_SHA is not set');

  if (problems.length > 0) throw new PipeError('GITHUB_FAILED', `cannot post to GitHub: ${problems.join('; ')}`, {});
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const runUrl = env.GITHUB_RUN_ID ? `${server}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
  return { token, owner, repo, apiUrl, pullRequest, sha, runUrl };
}

function readEvent(path: string | undefined, problems: string[]): PullRequestEvent | undefined {
  if (!path) {
    problems.push('GITHUB_EVENT_PATH is not set: posting reads the pull request from the GitHub Actions event, so run it in a workflow (on: pull_request)');
    return undefined;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`cannot read the event file GITHUB_EVENT_PATH=${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as PullRequestEvent;
    problems.push(`the event file ${path} does not hold a JSON object`);
  } catch {
    problems.push(`the event file ${path} is not valid JSON`);
  }
  return undefined;
}
