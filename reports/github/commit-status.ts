/** @module The commit status that carries the gate verdict (`pipe/gate`), which branch protection can require. */
import type { GithubCall } from './github-call.js';
import type { GithubClient } from './create-octokit.js';

export const STATUS_CONTEXT = 'pipe/gate';
/** GitHub rejects a longer description (422) rather than cutting it. */
export const STATUS_DESCRIPTION_LIMIT = 140;

export type VerdictState = 'success' | 'failure' | 'error';

export interface CommitStatus {
  readonly state: VerdictState;
  readonly context: string;
  readonly description: string;
  readonly target_url?: string;
}

/** The status to send: the description on one line, at most 140 characters. */
export function commitStatus({ state, description, targetUrl }: { state: VerdictState; description: string; targetUrl?: string }): CommitStatus {
  const line = description.replace(/\s+/g, ' ').trim();
  const clipped = line.length > STATUS_DESCRIPTION_LIMIT ? `${line.slice(0, STATUS_DESCRIPTION_LIMIT - 1)}…` : line;
  return { state, context: STATUS_CONTEXT, description: clipped, ...(targetUrl ? { target_url: targetUrl } : {}) };
}

export async function setCommitStatus(
  octokit: GithubClient,
  { owner, repo, sha, status }: { owner: string; repo: string; sha: string; status: CommitStatus },
  call: GithubCall,
): Promise<void> {
  await call(`POST /repos/${owner}/${repo}/statuses/${sha}`, () => octokit.rest.repos.createCommitStatus({ owner, repo, sha, ...status }));
}
