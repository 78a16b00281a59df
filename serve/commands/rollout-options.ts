/** @module `pipe serve`'s flags for changing models while serving (--watch, --canary…, --shadow) read into startService's options; a bad value exits 2 naming the flag. */
import { PipeError } from '../../runner/command/index.js';
import { parseCanaryKey } from '../canary/canary-key.js';
import { CANARY_SLO_DEFAULTS, parseCanaryWindow, type CanarySlo } from '../canary/canary-slo.js';
import type { CanaryOptions, StartOptions } from '../start-service.js';

export const DEFAULT_WATCH_SECONDS = 30;

export interface RolloutFlags {
  readonly watch: boolean;
  readonly 'watch-interval': string | undefined;
  readonly canary: string | undefined;
  readonly 'canary-weight': string | undefined;
  readonly 'canary-key': string | undefined;
  readonly 'canary-window': string | undefined;
  readonly 'canary-max-error-rate': string | undefined;
  readonly 'canary-max-p99': string | undefined;
  readonly 'canary-max-score-psi': string | undefined;
  readonly 'registry-rollback': boolean;
  readonly shadow: string | undefined;
}

const usage = (flag: string, message: string) => new PipeError('USAGE', `${flag} ${message} (pipe serve)`, { command: 'serve', flag });

function number(flag: string, raw: string | undefined, ok: (n: number) => boolean, expected: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !ok(n)) throw usage(flag, `takes ${expected}, not '${raw}'`);
  return n;
}

export function rolloutOf(flags: RolloutFlags): Pick<StartOptions, 'watchSeconds' | 'canary' | 'shadow'> {
  const interval = number('--watch-interval', flags['watch-interval'], (n) => n > 0 && n <= 86_400, 'seconds between registry reads (e.g. 30)');
  if (interval !== undefined && !flags.watch) throw usage('--watch-interval', 'is for --watch');
  const canaryOnly = ['canary-weight', 'canary-key', 'canary-window', 'canary-max-error-rate', 'canary-max-p99', 'canary-max-score-psi'] as const;
  if (flags.canary === undefined) {
    const stray = canaryOnly.find((f) => flags[f] !== undefined);
    if (stray) throw usage(`--${stray}`, 'configures a canary: add --canary REF');
    if (flags['registry-rollback']) throw usage('--registry-rollback', 'rolls back a canary cut off by its SLO: add --canary REF');
  }
  const out: { watchSeconds?: number; canary?: CanaryOptions; shadow?: { reference: string } } = {};
  if (flags.watch) out.watchSeconds = interval ?? DEFAULT_WATCH_SECONDS;
  if (flags.shadow !== undefined) out.shadow = { reference: flags.shadow };
  if (flags.canary !== undefined) {
    const weight = number('--canary-weight', flags['canary-weight'], (n) => n > 0 && n <= 100, 'a percentage of callers above 0, at most 100 (10)');
    const rawKey = flags['canary-key'];
    const key = rawKey === undefined ? undefined : parseCanaryKey(rawKey);
    if (rawKey !== undefined && !key) throw usage('--canary-key', `takes header:NAME or field:NAME (header:X-User-Id, field:customer_id), not '${rawKey}'`);
    const rawWindow = flags['canary-window'];
    const window = rawWindow === undefined ? undefined : parseCanaryWindow(rawWindow);
    if (rawWindow !== undefined && !window) throw usage('--canary-window', `takes a number of canary requests (200) or of minutes (15m), not '${rawWindow}'`);
    const maxErrorRate = number('--canary-max-error-rate', flags['canary-max-error-rate'], (n) => n >= 0 && n < 1, `a share of requests from 0 to below 1 (default ${CANARY_SLO_DEFAULTS.maxErrorRate})`);
    const maxP99Ms = number('--canary-max-p99', flags['canary-max-p99'], (n) => n > 0, `milliseconds above 0 (default ${CANARY_SLO_DEFAULTS.maxP99Seconds * 1000})`);
    const maxScorePsi = number('--canary-max-score-psi', flags['canary-max-score-psi'], (n) => n > 0, `a PSI above 0 (default ${CANARY_SLO_DEFAULTS.maxScorePsi})`);
    const slo: Partial<CanarySlo> = {
      ...(window ? { window } : {}),
      ...(maxErrorRate === undefined ? {} : { maxErrorRate }),
      ...(maxP99Ms === undefined ? {} : { maxP99Seconds: maxP99Ms / 1000 }),
      ...(maxScorePsi === undefined ? {} : { maxScorePsi }),
    };
    out.canary = {
      reference: flags.canary,
      ...(weight === undefined ? {} : { weight }),
      ...(key ? { key } : {}),
      slo,
      ...(flags['registry-rollback']
        ? {
            registryRollback: async (o) => {
              const { rollbackStage } = await import('../../registry/api/assign.js');
              return rollbackStage(o);
            },
          }
        : {}),
    };
  }
  return out;
}
