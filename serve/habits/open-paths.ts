/** @module The paths served without a key and never rate limited: exact paths, or prefixes written `/docs/*`. */

/** Health checks and the metrics scrape usually come from the platform, which has no key. */
export const DEFAULT_OPEN_PATHS: readonly string[] = ['/health/live', '/health/ready', '/v2/health/live', '/v2/health/ready', '/metrics'];

export function openPathMatcher(paths: readonly string[]): (path: string) => boolean {
  const exact = new Set(paths.filter((p) => !p.endsWith('/*')));
  const prefixes = paths.filter((p) => p.endsWith('/*')).map((p) => p.slice(0, -1));
  if (prefixes.length === 0) return (path) => exact.has(path);
  return (path) => exact.has(path) || prefixes.some((p) => path.startsWith(p));
}
