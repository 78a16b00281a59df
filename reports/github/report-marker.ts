/** @module The hidden line that marks pipe's own PR comment, so later runs update it instead of adding another. */

/** An HTML comment: GitHub does not render it, and it survives every edit pipe makes. */
export const REPORT_MARKER = '<!-- pipe-report -->';

/** The markdown with the marker as its first line (added when missing, never doubled). */
export function withMarker(markdown: string): string {
  return markdown.startsWith(REPORT_MARKER) ? markdown : `${REPORT_MARKER}\n${markdown}`;
}

/** Whether a comment body is one that pipe posted. */
export function hasMarker(body: string | null | undefined): boolean {
  return typeof body === 'string' && body.includes(REPORT_MARKER);
}
