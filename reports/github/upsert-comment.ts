/**
 * @module Keeps one report comment per pull request: finds the comment holding the marker
 * (reading every page of the PR's comments until it appears), updates it, or creates it once.
 */
import type { GithubCall } from './github-call.js';
import type { GithubClient } from './create-octokit.js';
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

export async function upsertComment(octokit: GithubClient, { owner, repo, pullRequest }: CommentTarget, body: string, call: GithubCall): Promise<PostedComment> {
  const path = `/repos/${owner}/${repo}/issues/${pullRequest}/comments`;
  const existing = await call(`GET ${path}`, async () => {
    const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, { owner, repo, issue_number: pullRequest, per_page: 100 });
    for await (const { data } of pages) {
      const found = data.find((c) => hasMarker(c.body));
      if (found) return found.id;
    }
    return undefined;
  });
  if (existing !== undefined) {
    const { data } = await call(`PATCH /repos/${owner}/${repo}/issues/comments/${existing}`, () =>
      octokit.rest.issues.updateComment({ owner, repo, comment_id: existing, body }),
    );
    return { id: data.id, url: data.html_url, action: 'updated' };
  }
  const { data } = await call(`POST ${path}`, () => octokit.rest.issues.createComment({ owner, repo, issue_number: pullRequest, body }));
  return { id: data.id, url: data.html_url, action: 'created' };
}
