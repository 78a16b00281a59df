/**
 * @module Posts a report to its pull request: one comment per PR (created once, then updated in
 * place), and the gate verdict as the `pipe/gate` commit status on the PR's head commit. Outside
 * a pull_request event only the status is set.
 */
import { commitStatus, setCommitStatus, STATUS_CONTEXT, type VerdictState } from './commit-status.js';
import { createOctokit, DEFAULT_RETRY, type RetrySettings } from './create-octokit.js';
import { describeRequests } from './describe-requests.js';
import { fitComment } from './fit-comment.js';
import { githubCall } from './github-call.js';
import { readGithubContext } from './github-context.js';
import { redactToken } from './redact-token.js';
import { upsertComment, type PostedComment } from './upsert-comment.js';

export interface PostReportOptions {
  /** The report (pipe report's markdown). Shortened to GitHub's limit when needed (fitComment). */
  readonly markdown: string;
  readonly verdict: { readonly state: VerdictState; readonly description: string };
  /** Repository-relative path of the full report file, named in a shortened comment. */
  readonly fullReportPath?: string;
  /** GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL, GITHUB_SHA, GITHUB_RUN_ID… */
  readonly env?: NodeJS.ProcessEnv;
  /** Print the requests instead of sending them. */
  readonly dryRun?: boolean;
  /** Where a dry run prints, one call per line (no trailing newline). */
  readonly out?: (line: string) => void;
  readonly retry?: RetrySettings;
}

export interface PostResult {
  /** Undefined outside a pull request, and in a dry run (the comment's id is GitHub's to give). */
  readonly comment: PostedComment | undefined;
  readonly status: { readonly state: VerdictState; readonly context: string };
}

const printLine = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

export async function postReport({
  markdown,
  verdict,
  fullReportPath,
  env = process.env,
  dryRun = false,
  out = printLine,
  retry = DEFAULT_RETRY,
}: PostReportOptions): Promise<PostResult> {
  const ctx = readGithubContext({ env, requireToken: !dryRun });
  // The run's page lists its artifacts, where CI uploads the full report.
  const fullReportUrl = fullReportPath ? ctx.runUrl : undefined;
  // A report that quotes the token (a logged environment, say) must not publish it in a comment.
  const body = ctx.pullRequest === undefined ? undefined : redactToken(fitComment(markdown, { fullReportPath, fullReportUrl }), ctx.token);
  const verdictLine = { state: verdict.state, description: redactToken(verdict.description, ctx.token) };
  const result = { state: verdict.state, context: STATUS_CONTEXT };

  if (dryRun) {
    const status = commitStatus({ ...verdictLine, targetUrl: ctx.runUrl });
    for (const line of describeRequests({ ctx, body, reportLength: markdown.length, status })) out(redactToken(line, ctx.token));
    return { comment: undefined, status: result };
  }

  const octokit = await createOctokit({ token: ctx.token, baseUrl: ctx.apiUrl, retry });
  const call = githubCall({ owner: ctx.owner, repo: ctx.repo, apiUrl: ctx.apiUrl, token: ctx.token, retries: retry.retries });
  const comment =
    ctx.pullRequest === undefined || body === undefined
      ? undefined
      : await upsertComment(octokit, { owner: ctx.owner, repo: ctx.repo, pullRequest: ctx.pullRequest }, body, call, retry);
  // The status's "Details" link opens the report when there is one, else the run.
  const status = commitStatus({ ...verdictLine, targetUrl: comment?.url ?? ctx.runUrl });
  await setCommitStatus(octokit, { owner: ctx.owner, repo: ctx.repo, sha: ctx.sha, status }, call);
  return { comment, status: result };
}
