/** @module Reads the API keys `pipe serve` accepts: plain keys from an environment variable, SHA-256 digests from a file, or both. Problems are input errors naming the variable or the file and line, and never repeat a key. */
import { readFileSync } from 'node:fs';
import { PipeError, formatIssues, type SpecIssue } from '../../runner/index.js';
import { ApiKeySet, BEARER_TOKEN, sha256 } from './api-keys.js';

export const API_KEYS_ENV = 'PIPE_SERVE_API_KEYS';

const HEX_DIGEST = /^[0-9a-f]{64}$/i;

export interface LoadApiKeysOptions {
  env?: NodeJS.ProcessEnv;
  /** The variable holding comma-separated plain keys. */
  envVar?: string;
  /** A file of SHA-256 hex digests, one per line; `#` starts a comment. */
  file?: string;
}

/** The accepted keys, or undefined when none are configured (auth off). Throws SPEC_INVALID (exit 2) listing every problem. */
export function loadApiKeys({ env = process.env, envVar = API_KEYS_ENV, file }: LoadApiKeysOptions = {}): ApiKeySet | undefined {
  const digests: Buffer[] = [];
  const issues: SpecIssue[] = [];
  const fromEnv = env[envVar];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    fromEnv.split(',').forEach((raw, i) => {
      const key = raw.trim();
      if (key === '') return;
      if (BEARER_TOKEN.test(key)) digests.push(sha256(key));
      else issues.push({ file: `$${envVar}`, message: `entry ${i + 1} is not a valid bearer token: use only letters, digits and - . _ ~ + / (then optional =)` });
    });
  }
  if (file !== undefined) readDigestFile(file, digests, issues);
  if (issues.length > 0) throw new PipeError('SPEC_INVALID', `The API keys cannot be used:\n${formatIssues(issues)}`, { issues });
  return digests.length > 0 ? new ApiKeySet(digests) : undefined;
}

function readDigestFile(file: string, digests: Buffer[], issues: SpecIssue[]): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    issues.push({ file, message: `cannot read the key file (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
    return;
  }
  let found = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    // The line may be a plain key pasted by mistake: say what is expected, never what is there.
    if (!HEX_DIGEST.test(line)) {
      issues.push({ file, line: i + 1, message: 'expected the SHA-256 of a key as 64 hex digits (printf %s "$KEY" | sha256sum)' });
      return;
    }
    digests.push(Buffer.from(line, 'hex'));
    found++;
  });
  if (found === 0 && !issues.some((i) => i.file === file)) issues.push({ file, message: 'holds no key digests, so every request would be refused; add one per line' });
}
