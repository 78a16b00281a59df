// Preloaded into a server under test (NODE_OPTIONS=--import=…/loop-probe.mjs, so a cluster's
// workers load it too): what a request's tail is made of. It records the event loop's delay
// (perf_hooks.monitorEventLoopDelay, 1 ms resolution: a turn that held the loop longer than a
// request's usual wait) and every GC pause (PerformanceObserver 'gc': minor = scavenge, major =
// mark-compact), restarts both on SIGUSR2 (so the warm-up is left out), and on exit writes one JSON
// line per process to $PIPE_LOOP_PROBE_DIR/PID.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';

const dir = process.env.PIPE_LOOP_PROBE_DIR;
if (dir) {
  let loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let gc = { minor: [], major: [], other: [] };
  const kinds = { [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major' };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gc[kinds[e.detail?.kind] ?? 'other'].push(e.duration);
  }).observe({ entryTypes: ['gc'] });
  let since = performance.now();
  process.on('SIGUSR2', () => {
    loop.disable();
    loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    gc = { minor: [], major: [], other: [] };
    since = performance.now();
  });
  const summary = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
    return { count: s.length, totalMs: s.reduce((a, b) => a + b, 0), p50Ms: at(0.5), p99Ms: at(0.99), maxMs: s.at(-1) ?? 0 };
  };
  // A server without its own SIGTERM handler (the Hono floor) would die without an 'exit' event.
  process.on('SIGTERM', () => {
    if (process.listenerCount('SIGTERM') === 1) process.exit(0);
  });
  process.on('exit', () => {
    const ms = (ns) => ns / 1e6;
    const out = {
      pid: process.pid,
      seconds: (performance.now() - since) / 1000,
      // Delay beyond the 1 ms timer the monitor itself waits.
      loopDelay: { p50Ms: ms(loop.percentile(50)), p90Ms: ms(loop.percentile(90)), p99Ms: ms(loop.percentile(99)), p999Ms: ms(loop.percentile(99.9)), maxMs: ms(loop.max), count: loop.count },
      gc: { minor: summary(gc.minor), major: summary(gc.major), other: summary(gc.other) },
      heap: process.memoryUsage(),
    };
    try {
      writeFileSync(join(dir, `${process.pid}.json`), `${JSON.stringify(out)}\n`);
    } catch {
      // the directory went away: nothing to report to
    }
  });
}
