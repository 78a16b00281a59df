/** @module The errors for a stage or target named on the command line that the pipeline does not have, with the name most likely meant. */
import { PipeError } from '../errors.js';
import { closestName } from '../text/did-you-mean.js';

/** `unknown stage 'trian'; did you mean 'train'?`, or the stages there are when none is close. */
export function unknownStages(unknown: readonly string[], known: readonly string[]): PipeError<'STAGE_UNKNOWN'> {
  const guesses = unknown.map((u) => closestName(u, known));
  const [only] = guesses;
  const message =
    unknown.length === 1 && only !== undefined
      ? `unknown stage '${unknown[0]}'; did you mean '${only}'?`
      : `unknown stage${unknown.length > 1 ? 's' : ''} ${unknown.map((u, i) => `'${u}'${guesses[i] === undefined ? '' : ` (did you mean '${guesses[i]}'?)`}`).join(', ')}; stages in pipeline.yaml: ${known.join(', ') || '(none)'}`;
  return new PipeError('STAGE_UNKNOWN', message, { stages: unknown, known });
}

/** A target that is neither a stage nor a path data.lock records (`paths`); the closest stage name or path is suggested. */
export function unknownTarget(target: string, known: readonly string[], paths: Iterable<string>): PipeError<'STAGE_UNKNOWN'> {
  const guess = closestName(target, [...known, ...paths]);
  return new PipeError('STAGE_UNKNOWN', `'${target}' is neither a stage nor a cached out or tracked data path in data.lock${guess === undefined ? '' : `; did you mean '${guess}'?`}`, {
    stages: [target],
    known,
  });
}
