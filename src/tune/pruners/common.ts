/** What the pruners share: steps of a trial, option checks, best values. */
import { UsageError } from '../../errors.js';
import type { Direction, FrozenTrial, StudyView } from '../types.js';

/** The reported steps of a trial, ascending. */
export function reportedSteps(trial: FrozenTrial): number[] {
  return Object.keys(trial.intermediate).map(Number).sort((a, b) => a - b);
}

/** The last reported step of a trial, or undefined when it reported nothing. */
export function lastStep(trial: FrozenTrial): number | undefined {
  const steps = reportedSteps(trial);
  return steps.length > 0 ? steps[steps.length - 1] : undefined;
}

/** The study's single direction (pruners are for single-objective studies). */
export function singleDirection(pruner: string, study: StudyView): Direction {
  if (study.directions.length !== 1) {
    throw new UsageError(`${pruner} pruner: pruning is for single-objective studies; study '${study.name}' has ${study.directions.length} objectives`);
  }
  return study.directions[0]!;
}

/** Checks an integer option `>= min` and returns it. */
export function intOption(pruner: string, name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new UsageError(`${pruner} pruner: ${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

/** Checks a numeric option `> 0` (or `>= min` when given) and returns it. */
export function positiveOption(pruner: string, name: string, value: number, min?: number): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (min === undefined ? value > 0 : value >= min);
  if (!ok) throw new UsageError(`${pruner} pruner: ${name} must be a number ${min === undefined ? '> 0' : `>= ${min}`}, got ${value}`);
  return value;
}

/** The last step of the complete trial that ran longest, or undefined when none completed with reports. */
export function longestCompleteRun(study: StudyView): number | undefined {
  let longest: number | undefined;
  for (const t of study.trials) {
    if (t.state !== 'complete') continue;
    const s = lastStep(t);
    if (s !== undefined && (longest === undefined || s > longest)) longest = s;
  }
  return longest;
}
