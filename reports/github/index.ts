/** @module Posting reports to GitHub pull requests (the only importer of @octokit/*). */
export { postReport, type PostReportOptions, type PostResult } from './post-report.js';
export { fitComment, GITHUB_COMMENT_LIMIT, type FitCommentOptions } from './fit-comment.js';
export { REPORT_MARKER } from './report-marker.js';
export { STATUS_CONTEXT, type VerdictState } from './commit-status.js';
export { DEFAULT_RETRY, type RetrySettings } from './create-octokit.js';
export type { PostedComment } from './upsert-comment.js';
