// Types of next-model-tag.mjs for the TypeScript tests (the script itself runs on plain node, with no build step).
export interface Version {
  major: number;
  minor: number;
  patch: number;
}
export type Bump = 'patch' | 'minor' | 'major';
export interface ModelTagPlan {
  action: 'create' | 'exists' | 'unchanged' | 'no-model';
  tag: string;
  previous: string;
  bump: Bump;
  hash: string;
}
export function parseModelTag(tag: string, model: string): Version | undefined;
export function latestModelTag(tags: readonly string[], model: string): { tag: string; version: Version } | undefined;
export function compareVersions(a: Version, b: Version): number;
export function bumpFromMessages(messages: readonly string[]): Bump;
export function bumpVersion(latest: Version | undefined, bump: Bump): Version;
export function modelHash(lockText: string | undefined, path: string): string | undefined;
export function planModelTag(input: {
  model: string;
  tags: readonly string[];
  tagsAtHead: readonly string[];
  messages: readonly string[];
  hashAtHead: string | undefined;
  hashAtLatest: (tag: string) => string | undefined;
}): ModelTagPlan;
export function main(argv: string[], io?: { cwd?: string; env?: NodeJS.ProcessEnv; out?: (line: string) => void }): ModelTagPlan;
