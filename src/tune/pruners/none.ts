/** The pruner that never prunes: every trial runs to its end. */
import type { FrozenTrial, Pruner, StudyView } from '../types.js';

/** Never prunes (also keeps a trial that reported a non-finite value running). */
export class NopPruner implements Pruner {
  /** Always false. */
  shouldPrune(_study: StudyView, _trial: FrozenTrial): boolean {
    return false;
  }
}
