/**
 * @module Keeps one report comment per pull request: finds the comment holding the marker
 * (reading every page of the PR's comments until it appears), updates it, or creates it once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isPipeError } from '../../runner/index.js';
import type { GithubClient, RetrySettings } from './create-octokit.js';
import type { GithubCall } from './github-call.js';
import { hasMarker } from './report-marker.js';

export interface PostedComment {
  readonly id: number;
  /** The comment on github.com (html_url). */
  readonly url: string;
  readonly action: 'created' | 'updated';
}

export interface CommentTarget {
  readonly owner: string;
  readonly repo: string;
  readonly pullRequest: number;
}

/**
 * Creating the comment is not retried blindly: a POST that failed with a 5xx (or whose answer
 * was lost) may have been stored all the same, and a second POST would leave two reports on the
 * pull request. After such a failure the comments are listed again and a stored one is updated;
 * only when none is there is the POST sent again (up to `retries` times, waiting as 5xx retries do).
 */
export async function upsertComment(
  octokit: GithubClient,
  { owner, repo, pullRequest }: CommentTarget,
  body: string,
  call: GithubCall,
  { retries, minDelayMs }: RetrySettings,
): Promise<PostedComment> {
  const path = `/repos/${owner}/${repo}/issues/${pullRequest}/comments`;
  const find = () =>
    call(`GET ${path}`, async () => {
      const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, { owner, repo, issue_number: pullRequest, per_page: 100 });
      for await (const { data } of pages) {
        const found = data.find((c) => hasMarker(c.body));
        if (found) return found.id;
      }
      return undefined;
    });
  const update = async (id: number, action: PostedComment['action']): Promise<PostedComment> => {
    const { data } = await call(`PATCH /repos/${owner}/${repo}/issues/comments/${id}`, () => octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body }));
    return { id: data.id, url: data.html_url, action };
  };

  const existing = await find();
  if (existing !== undefined) return update(existing, 'updated');
  for (let attempt = 0; ; attempt++) {
    let failure: unknown;
    try {
      // request.retries: 0 turns off plugin-retry's 5xx retries for this one request (rate-limit
      // answers, which mean "not done", are still retried by the rate-limit handlers).
      const { data } = await call(`POST ${path}`, () => octokit.rest.issues.createComment({ owner, repo, issue_number: pullRequest, body, request: { retries: 0 } }));
      return { id: data.id, url: data.html_url, action: 'created' };
    } catch (err) {
      failure = err;
    }
    if (!mayHaveBeenStored(failure) || attempt >= retries) throw failure;
    await sleep((attempt + 1) ** 2 * minDelayMs);
    const stored = await find();
    if (stored !== undefined) return update(stored, 'created');
  }
}

/** A 5xx, or no answer at all: GitHub may have done the write before failing. */
function mayHaveBeenStored(err: unknown): boolean {
  if (!isPipeError(err, 'GITHUB_FAILED')) return false;
  return err.data.status === undefined || err.data.status >= 500;
}
