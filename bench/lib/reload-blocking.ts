// How long a hot reload holds the event loop at once: loads the package `loadServedModel` way
// (as a SIGHUP does) --reloads times while a chain of setImmediate callbacks records the longest
// gap between two turns of the loop, as wall time and as this process's CPU time (the CPU figure
// does not grow when the machine is busy). Prints JSON on stdout. Run by bench/serve-reload.mjs:
//   node --import tsx bench/lib/reload-blocking.ts MODEL_DIR [RELOADS]
import { disposeLoaded, loadServedModel } from '../../serve/loaded-model.js';
import { resolveModel } from '../../serve/resolve-model.js';

const [dir = 'models/churn', reloadsArg = '20'] = process.argv.slice(2);
const served = await resolveModel({ cwd: process.cwd(), reference: dir });
disposeLoaded(await loadServedModel(served)); // the first load also starts tfjs: not a reload

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let watching = true;
let worstWall = 0;
let worstCpu = 0;
let lastWall = performance.now();
let lastCpu = cpuMs();
const tick = () => {
  const wall = performance.now();
  const cpu = cpuMs();
  worstWall = Math.max(worstWall, wall - lastWall);
  worstCpu = Math.max(worstCpu, cpu - lastCpu);
  lastWall = wall;
  lastCpu = cpu;
  if (watching) setImmediate(tick);
};

const perReload: { wallMs: number; worstGapWallMs: number; worstGapCpuMs: number }[] = [];
for (let i = 0; i < Number(reloadsArg); i++) {
  worstWall = 0;
  worstCpu = 0;
  watching = true;
  lastWall = performance.now();
  lastCpu = cpuMs();
  setImmediate(tick);
  const start = performance.now();
  const model = await loadServedModel(served);
  const wallMs = performance.now() - start;
  watching = false;
  await new Promise((resolve) => setImmediate(resolve));
  perReload.push({ wallMs, worstGapWallMs: worstWall, worstGapCpuMs: worstCpu });
  disposeLoaded(model);
}
process.stdout.write(`${JSON.stringify(perReload)}\n`);
