/**
 * @module `pipe serve build`: writes a self-contained service to a directory — the bundled server
 * (dist/service/server.js), the model package resolved as `pipe serve` resolves it, a manifest of
 * what the model is, a package.json (and lockfile) of the runtime dependencies, and a Dockerfile.
 * Written to a temporary sibling and renamed into place, so DIR is whole or untouched.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PipeError } from '../../runner/command/index.js';
import { provenance } from '../model-info.js';
import { loadModelPackage } from '../model/index.js';
import { packageInvalid } from '../package-invalid.js';
import { resolveModel, type ServedModel } from '../resolve-model.js';
import { DOCKERIGNORE, dockerfile } from './dockerfile.js';
import { runtimeLock, type PackageLock } from './runtime-lock.js';
import { pipeVersion } from '../../runner/command/index.js';
import { SERVICE_MANIFEST, type ServiceManifest } from './service-config.js';
import { checkOutput } from './check-output.js';
import { copyModel } from './copy-model.js';

/** The TensorFlow.js release pipe declares as its peer dependency: used when no lockfile says otherwise. */
const TFJS_VERSION = '4.22.0';
const RUNTIME_PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'] as const;

export interface BuiltService {
  readonly out: string;
  readonly model: ServedModel;
  /** Whether a package-lock.json was cut from the workspace's (else `npm install` resolves the versions). */
  readonly locked: boolean;
}

const failed = (out: string, message: string, cause?: unknown) => new PipeError('SERVE_BUILD_FAILED', message, { out }, cause === undefined ? undefined : { cause });

/** dist/service/server.js, found from the running CLI bundle (dist/chunks/…) or from the sources (tests under tsx). */
export function serverBundle(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    for (const candidate of [join(dir, 'service', 'server.js'), join(dir, 'dist', 'service', 'server.js')]) if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The nearest package-lock.json from `cwd` up. */
function nearestLock(cwd: string): PackageLock | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const file = join(dir, 'package-lock.json');
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as PackageLock;
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Loads the package as the service will (a broken one is refused now, exit 2, not at deploy time); its name from metadata.json. */
async function checkPackage(model: ServedModel): Promise<string | undefined> {
  try {
    const pkg = await loadModelPackage(model.dir);
    pkg.dispose();
    return typeof pkg.metadata.model === 'string' ? pkg.metadata.model : undefined;
  } catch (error) {
    throw packageInvalid(error, model);
  }
}

export async function writeService({ cwd, reference, out: outArg, force = false }: { cwd: string; reference?: string; out: string; force?: boolean }): Promise<BuiltService> {
  const out = resolve(cwd, outArg);
  await checkOutput({ cwd, out, outArg, force });
  const bundle = serverBundle();
  if (!bundle) throw failed(out, "the service bundle (dist/service/server.js) is missing from this pipe installation; run 'npm run build' in pipe's directory");
  const model = await resolveModel({ cwd, ...(reference === undefined ? {} : { reference }) });
  try {
    const packageName = await checkPackage(model);
    const { params, metrics } = await provenance(model);
    const lock = nearestLock(cwd);
    const lockedVersion = (name: string) => lock?.packages?.[`node_modules/${name}`]?.version;
    const dependencies = Object.fromEntries(RUNTIME_PACKAGES.map((name) => [name, lockedVersion(name) ?? TFJS_VERSION]));
    const shownName = model.source === 'directory' ? (packageName ?? model.name) : model.name;
    const name = `${shownName.replace(/[^a-z0-9._-]/gi, '-').toLowerCase()}-service`;
    const manifestJson = { name, version: model.version?.replace(/^v/, '') ?? '0.0.0', private: true, type: 'module', description: `pipe serve: ${shownName}${model.version ? ` ${model.version}` : ''}`, engines: { node: '>=20.11' }, scripts: { start: 'node server.js' }, dependencies };
    const packageLock = lock ? runtimeLock(lock, manifestJson) : undefined;
    const { dir: _dir, fetched: _fetched, root: _root, ...described } = model;
    const service: ServiceManifest = { format: 'pipe-service/1', modelDir: 'model', model: { ...described, provenance: { params, metrics } }, pipeVersion: pipeVersion() };

    let temp: string | undefined;
    try {
      mkdirSync(dirname(out), { recursive: true });
      temp = mkdtempSync(join(dirname(out), `.${basename(out)}.tmp-`));
      // mkdtemp makes it private; a service directory is read by other users (the image's node user).
      chmodSync(temp, 0o755);
      // The workspace's files may be links into the cache (read-only): the service gets real copies, 0644.
      const modelFiles = await copyModel(model.dir, join(temp, service.modelDir));
      cpSync(bundle, join(temp, 'server.js'));
      // The files are recorded: the service claims the build's version only while model/ holds exactly these.
      writeFileSync(join(temp, SERVICE_MANIFEST), `${JSON.stringify({ ...service, modelFiles }, null, 2)}\n`);
      writeFileSync(join(temp, 'package.json'), `${JSON.stringify(manifestJson, null, 2)}\n`);
      if (packageLock) writeFileSync(join(temp, 'package-lock.json'), `${JSON.stringify(packageLock, null, 2)}\n`);
      writeFileSync(join(temp, 'Dockerfile'), dockerfile());
      writeFileSync(join(temp, '.dockerignore'), DOCKERIGNORE);
      replaceDir(temp, out);
    } catch (error) {
      if (temp !== undefined) rmSync(temp, { recursive: true, force: true });
      throw failed(out, `cannot write the service to ${outArg}: ${(error as Error).message}`, error);
    }
    return { out, model: { ...model, name: shownName }, locked: packageLock !== undefined };
  } finally {
    if (model.fetched) rmSync(dirname(model.dir), { recursive: true, force: true });
  }
}

/** Puts `temp` at `out`: an old `out` (empty, or replaced with --force) is moved aside first and removed after. */
function replaceDir(temp: string, out: string): void {
  if (!existsSync(out)) return renameSync(temp, out);
  const old = `${temp}.old`;
  renameSync(out, old);
  renameSync(temp, out);
  rmSync(old, { recursive: true, force: true });
}
