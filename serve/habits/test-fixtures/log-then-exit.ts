/**
 * @module A process that answers one request through the access log (to stdout, its default) and
 * ends before the log's flush timer: access-log.test.ts checks what reaches stdout. EXIT_HOW: `exit`
 * (process.exit at once), `kill` (SIGKILL at once: the line is lost), `settle` (settleAccessLogs, as
 * a drain does, then SIGKILL: whatever settle wrote is out). FILL_BYTES first queues that much on
 * stdout, ahead of a reader that does not read yet (the test reads only after `answered`).
 */
import { Hono } from 'hono';
import { accessLog, settleAccessLogs } from '../access-log.js';
import type { HabitsEnv } from '../variables.js';

const fill = Number(process.env.FILL_BYTES ?? 0);
if (fill > 0) process.stdout.write(`${'x'.repeat(fill - 1)}\n`);
const app = new Hono<HabitsEnv>();
app.use(accessLog());
app.get('/x', (c) => c.text('ok'));
const res = await app.request('/x');
process.stderr.write(`answered ${res.status}\n`);
const how = process.env.EXIT_HOW;
if (how === 'settle') await settleAccessLogs(120_000);
if (how === 'kill' || how === 'settle') process.kill(process.pid, 'SIGKILL');
else process.exit(0);
