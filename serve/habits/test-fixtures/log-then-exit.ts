/**
 * @module A process that answers one request through the access log (to stdout, its default) and
 * exits at once with process.exit, before the log's flush timer: access-log.test.ts checks that the
 * line is written all the same. EXIT_HOW=kill ends it with SIGKILL instead (the line is lost: the
 * test checks the fixture does not write it some other way).
 */
import { Hono } from 'hono';
import { accessLog } from '../access-log.js';
import type { HabitsEnv } from '../variables.js';

const app = new Hono<HabitsEnv>();
app.use(accessLog());
app.get('/x', (c) => c.text('ok'));
const res = await app.request('/x');
process.stderr.write(`answered ${res.status}\n`);
if (process.env.EXIT_HOW === 'kill') process.kill(process.pid, 'SIGKILL');
else process.exit(0);
