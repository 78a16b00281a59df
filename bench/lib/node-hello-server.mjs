// The framework-free floor for bench/serve.mjs and bench/serve-ab.mjs: node:http alone answering
// any POST with the same small JSON object as hello-server.mjs (the Hono floor), after reading the
// body. What this machine's Node HTTP stack costs with no framework at all: the Hono floor's
// distance from it is what Hono and @hono/node-server add. Prints {"port": N} on stdout once it
// listens on 127.0.0.1.
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';

const body = JSON.stringify({ hello: 'world' });
const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    Buffer.concat(chunks).toString();
    res.writeHead(200, headers);
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
