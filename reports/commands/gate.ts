/** @module `pipe gate [--base REV]`: the promotion rules of pipeline.yaml, one row per rule; exit 1 when one fails. */
import { PipeError, defineCommand, diffOutputOptions, findRoot, outputOptions } from '../../runner/command/index.js';

export const gate = defineCommand({
  name: 'gate',
  description: `
Evaluates each rule of 'gates:' in pipeline.yaml on the workspace's metrics (the head) and the
metrics at the base revision, and prints one row per rule: metric, base value, head value,
limit, and pass, FAIL (with why) or skipped. A rule passes when the head value is within
min/max, has not dropped by more than max_drop (higher is better) or risen by more than
max_rise (lower is better) against the base, and exists when 'required: true'. A metric
absent at the base only skips the regression check.

Rules with 'branches:' (e.g. [main], or release/*) apply only when the change goes into one
of them: the target is --target, else the pull request's base in CI (GITHUB_BASE_REF), else
the base revision when it names a branch (origin/main → main). Otherwise they are skipped.

The gate also checks that each metrics file it reads is what data.lock records for an
up-to-date pipeline: the stage writing it and every stage upstream of it have no reason to run
('pipe status'). Otherwise it fails, naming why (e.g. 'metrics/eval.json is stale: stage
evaluate is not up to date (validate failed)'). Cached data the workspace lacks (a clone that
has not pulled) cannot be checked; a note says so and data.lock's record of it is taken.

--base defaults to the pull request's base branch in CI (origin/$GITHUB_BASE_REF), else HEAD.
Exits 0 when every rule passes (or is skipped), 1 when one fails or a metrics file it reads is
stale, 2 for a malformed rule (located in pipeline.yaml) or an unknown revision.`,
  options: {
    base: { type: 'string', valueName: 'REV', help: 'compare against this revision (default: the PR base in CI, else HEAD)' },
    target: { type: 'string', valueName: 'BRANCH', help: "the branch the change goes into, for rules with 'branches:'" },
    ...diffOutputOptions('{passed, base, head, target, stale: [{path, stage, why}], rules: [{metric, path, base, head, limit, result, why}]}'),
  },
  async run({ options, io }) {
    const { format, precision } = outputOptions('gate', options, 'Metric');
    const [{ runGate }, { gateSentence, renderGate, unverifiedNote }] = await Promise.all([import('../gate/run-gate.js'), import('../gate/render-gate.js')]);
    const g = await runGate({ root: findRoot(io.cwd), base: options.base, target: options.target });
    for (const p of g.problems) io.err(`warning: ${p}\n`);
    // Only worth saying of a verdict that passed: a stale one fails for another reason, and a failed stage removes its outs.
    if (g.unverified.length && g.stale.length === 0) io.err(`note: ${unverifiedNote(g.unverified)}\n`);
    io.out(renderGate(g, { format, precision }));
    const sentence = `gate ${gateSentence(g)} (head: ${g.head.name}, base: ${g.base.name}${g.target ? `, into ${g.target}` : ''})`;
    if (g.passed) {
      if (format !== 'json') io.err(`${sentence}\n`);
      return 0;
    }
    const fix = g.stale.length ? "\nrun 'pipe repro' (and fix what failed), then commit data.lock and the metrics" : '';
    throw new PipeError('GATE_FAILED', `${sentence}${fix}`, {
      failed: [...g.stale.map((s) => s.path), ...g.rows.filter((r) => r.result === 'fail').map((r) => r.rule.metric)],
    });
  },
});
