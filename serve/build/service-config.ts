/**
 * @module What a built service (DIR/server.js) reads at start: its manifest (the model's name,
 * version, commit… recorded by `pipe serve build`) and its settings from the environment, as a
 * container is configured. A bad setting is a message naming the variable (exit 2).
 */
import { PipeError } from '../../runner/command/index.js';
import type { ServedModel } from '../resolve-model.js';
import type { StartOptions } from '../start-service.js';
import type { ModelFiles } from './model-files.js';

/** The file beside server.js that says which model the service holds. */
export const SERVICE_MANIFEST = 'service.json';

export interface ServiceManifest {
  readonly format: 'pipe-service/1';
  /** The model package directory, relative to the service directory. */
  readonly modelDir: string;
  /** What `pipe serve` would report about the model, minus its directory. */
  readonly model: Omit<ServedModel, 'dir' | 'fetched' | 'root'>;
  /** The version of pipe that built the service (GET /v2 answers it); absent in services built before it was recorded. */
  readonly pipeVersion?: string;
  /**
   * Every file of model/ as the build wrote it. While model/ holds exactly these the service is
   * `model`; otherwise (files replaced) it serves them without the build's version, commit, hash,
   * stage, params and metrics. Absent in services built before it was recorded: `model` is trusted.
   */
  readonly modelFiles?: ModelFiles;
}

/** The environment variables a built service reads, documented in docs/ci.md. */
export const SERVICE_ENV = {
  port: 'PORT',
  host: 'HOST',
  /** Read by loadApiKeys (serve/habits/load-api-keys.ts), as `pipe serve` reads it. */
  apiKeys: 'PIPE_SERVE_API_KEYS',
  apiKeyFile: 'PIPE_SERVE_API_KEY_FILE',
  rateLimit: 'PIPE_SERVE_RATE_LIMIT',
  accessLog: 'PIPE_SERVE_ACCESS_LOG',
  threshold: 'PIPE_SERVE_THRESHOLD',
} as const;

const ENV_HELP: Readonly<Record<keyof typeof SERVICE_ENV, string>> = {
  port: 'port to listen on (default 8080; 0: any free port)',
  host: 'address to listen on (default 0.0.0.0)',
  apiKeys: 'require bearer API keys: the keys, comma-separated',
  apiKeyFile: 'require bearer API keys: a file of their SHA-256 digests, one per line',
  rateLimit: 'requests per caller: 100/s, 6000/min',
  accessLog: '0 turns off the JSON line per request (default 1)',
  threshold: 'probability from which the label is 1',
};

/** What `node server.js --help` prints. */
export function serviceUsage(): string {
  const width = Math.max(...Object.values(SERVICE_ENV).map((v) => v.length));
  const rows = (Object.keys(SERVICE_ENV) as (keyof typeof SERVICE_ENV)[]).map((k) => `  ${SERVICE_ENV[k].padEnd(width)}  ${ENV_HELP[k]}`);
  return `Usage: node server.js\n\nServes the model in model/ (written by pipe serve build). It takes no arguments:\nthe environment configures it.\n\n${rows.join('\n')}\n`;
}

/**
 * The command line of server.js: nothing, or `--help`. Anything else is refused (exit 2) naming
 * the variables, rather than ignored: `node server.js --port 9000` would listen on 8080.
 */
export function serviceArgs(argv: readonly string[]): 'run' | 'help' {
  if (argv.length === 0) return 'run';
  if (argv.some((a) => a === '--help' || a === '-h')) return 'help';
  // Only long options are named, without their values (`--api-key=…`, `-ks3cr3t` may hold a secret); other words are counted.
  const options = [...new Set(argv.flatMap((a) => (/^--[A-Za-z][\w-]*(=|$)/.test(a) ? [a.split('=')[0] as string] : [])))];
  const given = `${argv.length} argument${argv.length === 1 ? '' : 's'}${options.length ? `: ${options.join(' ')}` : ''}`;
  throw new PipeError('USAGE', `server.js takes no arguments (got ${given}); it is configured by environment variables: ${Object.values(SERVICE_ENV).join(', ')} (e.g. PORT=9000 node server.js); node server.js --help says what each does`, { command: 'server.js' });
}

const bad = (name: string, expected: string, value: string) =>
  new PipeError('USAGE', `${name} takes ${expected}, not '${value}'`, { command: 'server.js', flag: name });

export async function serviceConfig(env: NodeJS.ProcessEnv): Promise<Pick<StartOptions, 'host' | 'port' | 'threshold' | 'habits'>> {
  const rawPort = env[SERVICE_ENV.port] ?? '8080';
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535) throw bad(SERVICE_ENV.port, 'a port number 0–65535 (0: any free port)', rawPort);
  const rawThreshold = env[SERVICE_ENV.threshold];
  const threshold = rawThreshold === undefined ? undefined : Number(rawThreshold);
  if (rawThreshold !== undefined && (rawThreshold.trim() === '' || !(threshold! >= 0 && threshold! <= 1))) throw bad(SERVICE_ENV.threshold, 'a probability between 0 and 1', rawThreshold);
  const rawLog = env[SERVICE_ENV.accessLog] ?? '1';
  if (!/^(0|1|true|false)$/.test(rawLog)) throw bad(SERVICE_ENV.accessLog, '1 or 0', rawLog);
  const rawRate = env[SERVICE_ENV.rateLimit];
  const rateLimit = rawRate === undefined || rawRate === '' ? undefined : (await import('../habits/index.js')).parseRateLimit(rawRate, SERVICE_ENV.rateLimit);
  const apiKeyFile = env[SERVICE_ENV.apiKeyFile] || undefined;
  return {
    // In a container the service must answer on every interface, not only the loopback.
    host: env[SERVICE_ENV.host] || '0.0.0.0',
    port,
    ...(threshold === undefined ? {} : { threshold }),
    habits: { ...(apiKeyFile ? { apiKeyFile } : {}), ...(rateLimit ? { rateLimit } : {}), accessLog: rawLog === '1' || rawLog === 'true' },
  };
}
