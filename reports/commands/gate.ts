/** @module `pipe gate [--base REV]`: the promotion rules of pipeline.yaml, one row per rule; exit 1 when one fails. */
import { PipeError, findRoot, outputOptions, type Command } from '../../runner/index.js';

import { gateSentence, renderGate } from '../gate/render-gate.js';
import { runGate } from '../gate/run-gate.js';

export const gate: Command = {
  name: 'gate',
  usage: 'pipe gate [--base REV] [--target BRANCH] [--json | --md] [--precision N]',
  summary: "evaluate the promotion rules ('gates:' in pipeline.yaml) against a base revision",
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
    json: { type: 'boolean', help: 'JSON: {passed, base, head, target, rules: [{metric, path, base, head, limit, result, why}]}' },
    md: { type: 'boolean', help: 'a GitHub Markdown table' },
    precision: { type: 'string', valueName: 'N', help: 'significant digits of non-integer numbers (default 5)' },
  },
  positionals: false,
  async run({ values, io }) {
    const { format, precision } = outputOptions('gate', values, 'Metric');
    const g = await runGate({ root: findRoot(io.cwd), base: values.base as string | undefined, target: values.target as string | undefined });
    for (const p of g.problems) io.err(`warning: ${p}\n`);
    io.out(renderGate(g, { format, precision }));
    const sentence = `gate ${gateSentence(g)} (head: ${g.head.name}, base: ${g.base.name}${g.target ? `, into ${g.target}` : ''})`;
    if (g.passed) {
      if (format !== 'json') io.err(`${sentence}\n`);
      return 0;
    }
    throw new PipeError('GATE_FAILED', sentence, { failed: g.rows.filter((r) => r.result === 'fail').map((r) => r.rule.metric) });
  },
};
