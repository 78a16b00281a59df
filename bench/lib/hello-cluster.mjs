// The floor for `pipe serve --workers N` in bench/serve.mjs: bench/lib/hello-server.mjs in N
// node:cluster workers sharing one port (as pipe serve --workers does). Prints {"port": N} once all listen.
//   node bench/lib/hello-cluster.mjs [N]
import cluster from 'node:cluster';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const workers = Number(process.argv[2] ?? 2);
cluster.setupPrimary({ exec: join(dirname(fileURLToPath(import.meta.url)), 'hello-server.mjs'), silent: true });
let port;
let listening = 0;
for (let i = 0; i < workers; i++) {
  const worker = cluster.fork();
  worker.on('listening', (address) => {
    port = address.port;
    if (++listening === workers) process.stdout.write(`${JSON.stringify({ port })}\n`);
  });
}
process.on('SIGTERM', () => {
  for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  process.exit(0);
});
