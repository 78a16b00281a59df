// Preloaded into every node process of a test through NODE_OPTIONS (nodeLogEnv in example-repo.ts):
// appends the process's arguments to the file $PIPE_TEST_NODE_LOG, so a test sees which programs
// ran (`tsx stages/train.ts` …) without asking pipe.
import { appendFileSync } from 'node:fs';

const log = process.env.PIPE_TEST_NODE_LOG;
if (log) appendFileSync(log, `${process.argv.slice(1).join(' ')}\n`);
