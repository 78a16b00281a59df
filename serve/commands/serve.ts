/** @module `pipe serve [MODEL]`: resolves the model, loads and warms it, and only then listens; stops on SIGTERM or SIGINT. */
import { availableParallelism } from 'node:os';
import { PipeError, defineCommand } from '../../runner/command/index.js';
import { CLUSTER_MODEL_ENV } from '../cluster/messages.js';
import type { DriftOptions, DriftWindow } from '../drift/index.js';
import type { RateLimitOptions } from '../habits/index.js';
import { DEFAULT_WATCH_SECONDS, rolloutOf } from './rollout-options.js';
import { serveBuild } from './serve-build.js';

const DEFAULT_PORT = 8080;

function portOf(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new PipeError('USAGE', `--port takes a port number 0–65535 (0: any free port), not '${raw}' (pipe serve)`, { command: 'serve', flag: '--port' });
  return port;
}

function driftOf(window: string | undefined, threshold: string | undefined): DriftOptions {
  const usage = (flag: string, message: string) => new PipeError('USAGE', `${flag} ${message} (pipe serve)`, { command: 'serve', flag });
  const out: { window?: DriftWindow; threshold?: number } = {};
  if (window !== undefined) {
    const m = /^(\d+)$|^(\d+(?:\.\d+)?)m$/.exec(window);
    if (!m) throw usage('--drift-window', `takes a number of rows (1000) or of minutes (15m), not '${window}'`);
    out.window = m[1] !== undefined ? { rows: Number(m[1]) } : { minutes: Number(m[2]) };
  }
  if (threshold !== undefined) {
    const t = Number(threshold);
    if (threshold.trim() === '' || !(t > 0)) throw usage('--drift-threshold', `takes a PSI above 0 (0.1, 0.2), not '${threshold}'`);
    out.threshold = t;
  }
  return out;
}

async function rateLimitOf(raw: string): Promise<RateLimitOptions> {
  const { parseRateLimit } = await import('../habits/index.js');
  return parseRateLimit(raw);
}

/** Worker processes: a count, or `auto` (one per CPU). */
function workersOf(raw: string | undefined): number {
  if (raw === undefined) return 1;
  if (raw === 'auto') return availableParallelism();
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 256) throw new PipeError('USAGE', `--workers takes a number of processes from 1 to 256, or auto (one per CPU), not '${raw}' (pipe serve)`, { command: 'serve', flag: '--workers' });
  return n;
}

function thresholdOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const t = Number(raw);
  if (raw.trim() === '' || !(t >= 0 && t <= 1)) throw new PipeError('USAGE', `--threshold takes a probability between 0 and 1, not '${raw}' (pipe serve)`, { command: 'serve', flag: '--threshold' });
  return t;
}

export const serve = defineCommand({
  name: 'serve',
  description: `
Serves a model package over HTTP. MODEL is a model package directory, a registry reference
(churn#prod, churn@v1.2.0, churn@latest) or a git revision; without it, the workspace's
'churn' artifact (its path from 'artifacts:' in pipeline.yaml). A reference or revision is
served from the workspace when it holds that version of the artifact (its hash in data.lock);
else its files are written as pipe model get writes them (from the cache, only the missing
objects fetched from the remote, every file verified) to a temporary directory, served from
there and removed when the service stops.

The model is loaded with its preprocessing and feature schema, checked, warmed with one
prediction, and only then does the server listen and print 'Serving NAME … at http://HOST:PORT'
on stdout (--port 0 picks a free port). A missing or inconsistent model exits 2 before that.

Routes: POST /predict, POST /predict/batch (JSON array, NDJSON or CSV), GET /health/live,
GET /health/ready, GET /model, GET /openapi.json, GET /metrics (Prometheus), and the KServe V2
subset (GET /v2/health/live|ready, GET /v2/models/NAME, POST /v2/models/NAME/infer, each
also under /v2/models/NAME/versions/VERSION).
Bad input gets a 4xx naming the field; see docs/commands.md. Stops on SIGTERM or SIGINT.
SIGHUP reloads the model (MODEL resolved again: churn#prod may have moved), as --watch does
when the registry stage moves; the new model is loaded and warmed beside the old one, and a
failed load keeps the old one serving. --shadow scores every request with a second model
after answering; --canary answers a share of callers with a candidate and cuts it off when
it breaks its SLO (scoring errors, p99 scoring time, score PSI against the primary).
'pipe serve build' writes a deployable service instead; a model directory named 'build' is
served with 'pipe serve ./build'.`,
  options: {
    port: { type: 'string', short: 'p', valueName: 'N', help: `port to listen on (default ${DEFAULT_PORT}; 0: any free port)` },
    host: { type: 'string', valueName: 'HOST', help: 'address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)' },
    threshold: { type: 'string', valueName: 'P', help: 'probability from which the label is 1 (default: the threshold in the metrics, else 0.5)' },
    engine: { type: 'string', valueName: 'ENGINE', help: 'auto (typed-array forward pass for Dense models, else tfjs) or tfjs' },
    'drift-window': { type: 'string', valueName: 'N|Tm', help: 'live drift over the last N rows (default 1000) or the last T minutes (e.g. 15m)' },
    'drift-threshold': { type: 'string', valueName: 'PSI', help: 'a feature drifts at this PSI or more (default 0.1, as Evidently)' },
    'api-key-file': { type: 'string', valueName: 'FILE', help: `require bearer API keys: a file of their SHA-256 digests, one per line (also: $PIPE_SERVE_API_KEYS)` },
    'rate-limit': { type: 'string', valueName: 'RATE', help: 'requests per caller (API key, else address): 100/s, 6000/min, 20/10s' },
    'no-access-log': { type: 'boolean', help: 'do not write a JSON line per request on stdout' },
    workers: { type: 'string', valueName: 'N', help: 'processes answering on the one port (default 1; auto: one per CPU), as uvicorn --workers' },
    watch: { type: 'boolean', help: `reload when the served registry stage (churn#prod) moves to another version, read every ${DEFAULT_WATCH_SECONDS} s` },
    'watch-interval': { type: 'string', valueName: 'SECONDS', help: `seconds between registry reads with --watch (default ${DEFAULT_WATCH_SECONDS})` },
    shadow: { type: 'string', valueName: 'REF', help: 'also score every request with this model (churn@v1.5.0), after the answer; never returned, counted as role="shadow"' },
    canary: { type: 'string', valueName: 'REF', help: 'answer a share of callers (--canary-weight) with this model, cut off when it breaks its SLO' },
    'canary-weight': { type: 'string', valueName: 'P', help: 'percent of callers the canary answers (default 10), sticky per caller' },
    'canary-key': { type: 'string', valueName: 'KEY', help: 'who a caller is: header:X-User-Id or field:customer_id (default: API key, else client address)' },
    'canary-window': { type: 'string', valueName: 'N|Tm', help: 'judge the canary over its last N requests (default 200) or the last T minutes (15m)' },
    'canary-max-error-rate': { type: 'string', valueName: 'R', help: 'cut the canary off above this share of failed scorings (default 0.05)' },
    'canary-max-p99': { type: 'string', valueName: 'MS', help: 'cut the canary off above this p99 scoring time in ms (default 50)' },
    'canary-max-score-psi': { type: 'string', valueName: 'PSI', help: "cut the canary off above this PSI of its scores against the primary's (default 0.25)" },
    'registry-rollback': { type: 'boolean', help: "when the canary (a stage reference, churn#canary) is cut off, give its stage back to the version before (a new GTO tag)" },
  },
  positionals: [{ name: 'model', valueName: 'MODEL' }],
  subcommands: [serveBuild],
  async run({ options, args, io }) {
    // Ctrl-C and a terminal's hangup reach a whole process group: a worker of --workers N leaves them to its primary (which
    // sends each worker SIGTERM, or resolves the model again on SIGHUP and tells each worker to load it). From its first
    // line: one that boots when the group is signalled would otherwise die, and before all are ready stop the service.
    if (process.env[CLUSTER_MODEL_ENV] !== undefined && process.send) process.on('SIGINT', () => {}).on('SIGHUP', () => {});
    const port = portOf(options.port);
    const host = options.host ?? '127.0.0.1';
    const threshold = thresholdOf(options.threshold);
    const engine = options.engine ?? 'auto';
    if (engine !== 'auto' && engine !== 'tfjs') throw new PipeError('USAGE', `--engine takes auto or tfjs, not '${engine}' (pipe serve)`, { command: 'serve', flag: '--engine' });
    const drift = driftOf(options['drift-window'], options['drift-threshold']);
    const rateLimit = options['rate-limit'] === undefined ? undefined : await rateLimitOf(options['rate-limit']);
    const rollout = rolloutOf(options);
    const habits = { ...(options['api-key-file'] === undefined ? {} : { apiKeyFile: options['api-key-file'] }), ...(rateLimit ? { rateLimit } : {}), accessLog: !options['no-access-log'] };
    const workers = workersOf(options.workers);
    const log = (line: string) => io.err(`${line}\n`);
    const { clusterStart } = await import('../cluster/worker.js');
    const fromPrimary = clusterStart();
    if (workers > 1 && options['registry-rollback']) throw new PipeError('USAGE', `--registry-rollback cannot be used with --workers: each worker judges the canary on its own share of traffic, and more than one could move the stage (pipe serve)`, { command: 'serve', flag: '--registry-rollback' });
    if (workers > 1 && !fromPrimary) {
      // The primary resolves (and fetches) the model, at start and at every reload; the workers, which run this command again, load it.
      const { resolveModel } = await import('../resolve-model.js');
      const resolve = () => resolveModel({ cwd: io.cwd, ...(args.model === undefined ? {} : { reference: args.model }) });
      const model = await resolve();
      const { watchSeconds } = rollout;
      if (watchSeconds !== undefined) {
        const { checkWatchable } = await import('../stage-watch.js');
        checkWatchable(model, args.model);
      }
      if (rateLimit) log(`rate limit: each of the ${workers} workers counts its own callers' requests, so a caller whose connections reach several workers gets up to ${workers}× the rate`);
      const { runPrimary } = await import('../cluster/primary.js');
      return runPrimary({
        workers,
        model,
        resolve,
        ...(watchSeconds === undefined ? {} : { watch: { reference: args.model, seconds: watchSeconds } }),
        log,
        onReady: (r) => io.out(`Serving ${r.name}${r.version ? ` ${r.version}` : ''} at ${r.url} (engine: ${r.engine.split(' (')[0]}; ${workers} workers)\n`),
      });
    }
    // A signal during start-up is remembered (the model may take a while to load), and answered once the service is up.
    let early: NodeJS.Signals | undefined;
    const remember = (signal: NodeJS.Signals) => (early = signal);
    process.on('SIGTERM', remember);
    if (!fromPrimary) process.on('SIGINT', remember);
    const { startService } = await import('../start-service.js');
    // A worker does not watch the registry: its primary does.
    const { watchSeconds: _watched, ...workerRollout } = rollout;
    const service = await startService({ cwd: io.cwd, reference: args.model, host, port, threshold, engine, drift, habits, log, ...(fromPrimary ? { ...workerRollout, clusterWorker: fromPrimary } : rollout) })
      .catch((error: unknown) => {
        // A worker that cannot start lets go of the primary's channel, or it would never exit.
        if (fromPrimary) process.channel?.unref();
        throw error;
      })
      .finally(() => {
        process.off('SIGTERM', remember).off('SIGINT', remember);
      });
    // The graceful shutdown's handlers are in place before the ready line: a caller may signal the moment it reads it.
    service.handleSignals();
    // A worker stays quiet: the primary says once that the service is ready.
    if (!fromPrimary) io.out(`Serving ${service.info.name}${service.info.version ? ` ${service.info.version}` : ''} at ${service.url} (engine: ${service.info.engine.split(' (')[0]})\n`);
    if (early) await service.close();
    const code = await service.stopped;
    if (fromPrimary) process.channel?.unref();
    // A second signal, or requests cut at the deadline: exit now, whatever connections are still open.
    if (code !== 0) process.exit(code);
    return code;
  },
});
