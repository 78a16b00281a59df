/** @module The hidden line that marks pipe's own PR comment, so later runs update it instead of adding another. */

/** An HTML comment: GitHub does not render it, and it survives every edit pipe makes. */
export const REPORT_MARKER = '<!-- pipe-report -->';

/** The markdown with the marker as its first line (added when missing, never doubled). */
export function withMarker(markdown: string): string {
  return markdown.startsWith(REPORT_MARKER) ? markdown : `${REPORT_MARKER}\n${markdown}`;
}

/** Whether a comment body is one that pipe posted: the marker is its first line (a person quoting it elsewhere in a comment does not make the comment pipe's). */
export function hasMarker(body: string | null | undefined): boolean {
  return typeof body === 'string' && body.startsWith(REPORT_MARKER);
}
