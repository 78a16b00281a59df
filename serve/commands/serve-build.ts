/** @module `pipe serve build [MODEL] -o DIR`: writes a self-contained, deployable service (server bundle, model, runtime package.json, Dockerfile). */
import { PipeError, defineCommand } from '../../runner/command/index.js';

export const serveBuild = defineCommand({
  name: 'build',
  summary: 'write a self-contained service: server bundle, the model, runtime package.json, Dockerfile',
  description: `
Writes to DIR a service that runs without the repository: server.js (the same service code as
'pipe serve', bundled), model/ (MODEL resolved as 'pipe serve' resolves it: a directory, a
registry reference such as churn#prod, a git revision, or the workspace's 'churn' artifact),
service.json (the model's name, version, stage, commit, hash, params and metrics, and the SHA-256
of each of its files: replaced files are served without that identity), a package.json
of the runtime dependencies (TensorFlow.js and its wasm backend) with a package-lock.json cut
from the workspace's, a Dockerfile (multi-stage, non-root, HEALTHCHECK on /health/ready) and a
.dockerignore.

Run it with 'npm ci --omit=dev && node server.js' in DIR ('npm install --omit=dev' when no
package-lock.json was written), or 'docker build DIR'. It is
configured by PORT (default 8080), HOST (default 0.0.0.0), PIPE_SERVE_API_KEYS,
PIPE_SERVE_API_KEY_FILE, PIPE_SERVE_RATE_LIMIT, PIPE_SERVE_ACCESS_LOG=0 and
PIPE_SERVE_THRESHOLD; see docs/ci.md. DIR is written whole or not at all; an existing non-empty
DIR is refused unless --force, and a DIR that is, lies in or holds a path data.lock tracks (the
model's own directory, say) always. A model directory named 'build' is served with
'pipe serve ./build'.`,
  options: {
    out: { type: 'string', short: 'o', valueName: 'DIR', help: 'the directory to write the service to (required)' },
    force: { type: 'boolean', help: 'replace DIR when it exists and is not empty' },
  },
  positionals: [{ name: 'model', valueName: 'MODEL' }],
  async run({ options, args, io }) {
    if (options.out === undefined || options.out === '') throw new PipeError('USAGE', 'pipe serve build needs -o DIR, the directory to write the service to', { command: 'serve build', flag: '--out' });
    const { writeService } = await import('../build/write-service.js');
    const built = await writeService({ cwd: io.cwd, ...(args.model === undefined ? {} : { reference: args.model }), out: options.out, force: options.force });
    const what = `${built.model.name}${built.model.version ? ` ${built.model.version}` : ''}`;
    if (built.model.modified) {
      io.err(`note: the workspace's ${built.model.path} differs from what data.lock records (edited, or not checked out): the service holds its files as they are, with no version or commit; build a registry version (pipe serve build ${built.model.name}#prod) to deploy what was trained and gated\n`);
    }
    io.out(`Wrote the service for ${what} to ${options.out}${built.locked ? '' : ' (no package-lock.json: the workspace has none holding @tensorflow/tfjs)'}\n`);
    // npm ci refuses to run without a lockfile; npm install resolves the versions itself.
    io.out(`Run it: cd ${options.out} && npm ${built.locked ? 'ci' : 'install'} --omit=dev && node server.js   (or: docker build -t ${built.model.name}-service ${options.out})\n`);
    return 0;
  },
});
