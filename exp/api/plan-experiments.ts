/** @module From `-S` options to the experiments to run: checked against the workspace's params files, one per combination, each named. */
import { checkParamSets } from './apply-params.js';
import { experimentName } from './exp-name.js';
import { checkExpName, headCommit, listExps } from './exp-refs.js';
import { listQueue } from './queue.js';
import { formatOverride, parseParamSet, sweep } from './param-sets.js';
import type { ExperimentSpec } from './run-experiment.js';
import { snapshotWorkspace } from './snapshot.js';

export interface PlanOptions {
  readonly root: string;
  readonly sets: readonly string[];
  readonly name?: string;
  readonly random?: number;
}

export async function planExperiments({ root, sets, name, random }: PlanOptions): Promise<ExperimentSpec[]> {
  const parsed = sets.map(parseParamSet);
  checkParamSets(root, parsed);
  if (name !== undefined) checkExpName(name);
  const combos = sweep(parsed, { random });
  const baseline = await headCommit(root);
  const start = await snapshotWorkspace(root, baseline);
  const taken = new Set([...(await listExps(root, baseline)).map((e) => e.name), ...listQueue(root).filter((e) => e.baseline === baseline).map((e) => e.name)]);
  return combos.map((overrides, i) => {
    const chosen = name === undefined ? experimentName(`${start}\0${overrides.map(formatOverride).join('\0')}`, taken) : combos.length > 1 ? `${name}-${i + 1}` : name;
    taken.add(chosen);
    return { name: chosen, overrides, baseline, start };
  });
}
