/**
 * @module What `--dry-run` prints: each request posting would send (method, URL, a summary of
 * the body), in order, with the Authorization header shown redacted. The comment's id is not
 * known without asking GitHub, so the update/create step is printed as "PATCH … or POST …".
 */
import type { CommitStatus } from './commit-status.js';
import type { GithubContext } from './github-context.js';
import { REPORT_MARKER } from './report-marker.js';

export function describeRequests({
  ctx,
  body,
  reportLength,
  status,
}: {
  ctx: GithubContext;
  /** The comment as it would be posted; undefined outside a pull request. */
  body: string | undefined;
  /** Length of the report before fitComment, to say when it was shortened. */
  reportLength: number;
  status: CommitStatus;
}): string[] {
  const n = (x: number) => x.toLocaleString('en-US');
  const repo = `${ctx.apiUrl}/repos/${ctx.owner}/${ctx.repo}`;
  const lines = [`dry run: nothing is sent to ${ctx.apiUrl}; every request would carry "Authorization: token ***"`];
  if (ctx.pullRequest === undefined || body === undefined) {
    lines.push('no pull request in this event: no comment, only the commit status');
  } else {
    const comments = `${repo}/issues/${ctx.pullRequest}/comments`;
    const shortened = body.length < reportLength ? ` (shortened from ${n(reportLength)} to fit GitHub's comment limit)` : '';
    const start = body.replace(REPORT_MARKER, '').replace(/\s+/g, ' ').trim().slice(0, 72);
    lines.push(
      `GET ${comments}?per_page=100 (page by page, until a comment holds ${REPORT_MARKER})`,
      `PATCH ${repo}/issues/comments/ID (the comment found) or POST ${comments} (when none is found)`,
      `  body: ${n(body.length)} characters${shortened}: "${start}${start.length === 72 ? '…' : ''}"`,
    );
  }
  lines.push(`POST ${repo}/statuses/${ctx.sha}`, `  body: ${JSON.stringify(status)}`);
  return lines;
}
