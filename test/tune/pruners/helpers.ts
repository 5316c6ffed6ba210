/** Scripted learning curves for pruner tests. */
import type { Direction, FrozenTrial, StudyView, TrialState } from '../../../src/tune/types.js';

/** A trial with intermediate values `curve` (step -> value; an array means steps 0, 1, ...). */
export function curve(number: number, values: readonly number[] | Record<number, number>, state: TrialState = 'running'): FrozenTrial {
  const intermediate: Record<number, number> = Array.isArray(values) ? Object.fromEntries(values.map((v, i) => [i, v])) : { ...values };
  const steps = Object.keys(intermediate).map(Number);
  const last = steps.length > 0 ? intermediate[Math.max(...steps)] : undefined;
  return {
    number, state, params: {}, distributions: {}, intermediate, userAttrs: {},
    ...(state === 'complete' && last !== undefined ? { values: [last] } : {}),
  };
}

/** A study view over `trials` (numbers must be their positions). */
export function view(trials: readonly FrozenTrial[], direction: Direction = 'minimize'): StudyView {
  return { name: 'scripted', directions: [direction], trials };
}
