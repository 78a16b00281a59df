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

--base defaults to the pull request's base branch in CI (origin/$GITHUB_BASE_REF), else HEAD.
Exits 0 when every rule passes (or is skipped), 1 when one fails, 2 for a malformed rule
(located in pipeline.yaml) or an unknown revision.`,
  options: {
    base: { type: 'string', valueName: 'REV', help: 'compare against this revision (default: the PR base in CI, else HEAD)' },
    target: { type: 'string', valueName: 'BRANCH', help: "the branch the change goes into, for rules with 'branches:'" },
    ...diffOutputOptions('{passed, base, head, target, rules: [{metric, path, base, head, limit, result, why}]}'),
  },
  async run({ options, io }) {
    const { format, precision } = outputOptions('gate', options, 'Metric');
    const [{ runGate }, { gateSentence, renderGate }] = await Promise.all([import('../gate/run-gate.js'), import('../gate/render-gate.js')]);
    const g = await runGate({ root: findRoot(io.cwd), base: options.base, target: options.target });
    for (const p of g.problems) io.err(`warning: ${p}\n`);
    io.out(renderGate(g, { format, precision }));
    const sentence = `gate ${gateSentence(g)} (head: ${g.head.name}, base: ${g.base.name}${g.target ? `, into ${g.target}` : ''})`;
    if (g.passed) {
      if (format !== 'json') io.err(`${sentence}\n`);
      return 0;
    }
    throw new PipeError('GATE_FAILED', sentence, { failed: g.rows.filter((r) => r.result === 'fail').map((r) => r.rule.metric) });
  },
});
