/**
 * @module The entry of a built service (`pipe serve build` → DIR/server.js, bundled by
 * scripts/build.mjs): serves the model package in DIR/model with the metadata recorded in
 * DIR/service.json (while DIR/model holds the files the build wrote: build/own-model.ts),
 * configured from the environment, with no repository. Same code as `pipe serve`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPipeError } from '../runner/command/index.js';
import { ownModel } from './build/own-model.js';
import { serviceArgs, serviceConfig, serviceUsage, SERVICE_MANIFEST, type ServiceManifest } from './build/service-config.js';
import { startService } from './start-service.js';

const here = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<number> {
  if (serviceArgs(process.argv.slice(2)) === 'help') {
    process.stdout.write(serviceUsage());
    return 0;
  }
  const manifest = JSON.parse(readFileSync(join(here, SERVICE_MANIFEST), 'utf8')) as ServiceManifest;
  const config = await serviceConfig(process.env);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // model/ as the build wrote it is the model service.json describes; replaced files are served without that claim.
  const service = await startService({ cwd: here, ownModel: ownModel({ here, manifest, log }), ...config, log, serverVersion: manifest.pipeVersion ?? 'unknown' });
  service.handleSignals();
  process.stdout.write(`Serving ${service.info.name}${service.info.version ? ` ${service.info.version}` : ''} at ${service.url} (engine: ${service.info.engine.split(' (')[0]})\n`);
  return service.stopped;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A reachable failure (bad model, bad setting, port taken) is a message, not a stack.
    process.stderr.write(isPipeError(error) ? `error: ${error.message}\n` : `internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(isPipeError(error) && (error.code === 'USAGE' || error.code === 'SERVE_MODEL_INVALID' || error.code === 'SPEC_INVALID') ? 2 : 1);
  },
);
