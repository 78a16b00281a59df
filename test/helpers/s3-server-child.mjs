// A real S3-protocol server (s3rver) in its own process, so a test can kill it mid-transfer.
// Usage: node s3-server-child.mjs DIR PORT ACCESS_KEY_ID SECRET_ACCESS_KEY
// Prints {"port": N} on stdout once it listens on 127.0.0.1.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account.js');

const [dir, port, accessKeyId, secretAccessKey] = process.argv.slice(2);
// The test's own key pair (s3rver only knows S3RVER/S3RVER otherwise).
AWSAccount.DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);
const server = new S3rver({ address: '127.0.0.1', port: Number(port), directory: dir, silent: true, vhostBuckets: false });
const address = await server.run();
process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
