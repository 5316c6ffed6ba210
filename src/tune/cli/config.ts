/**
 * The settings of one `whittle tune` run as plain JSON (what the command hands its worker
 * processes), and what follows from them: objective directions, the sampler and pruner specs,
 * and the training configuration a trial draws from the search space.
 */
import { UsageError } from '../../errors.js';
import type { ZooName } from '../../nn/zoo.js';
import type { OptimizerSpec } from '../../optim/create.js';
import type { ScheduleSpec } from '../../optim/schedules/create.js';
import type { PrunerSpec } from '../pruners/index.js';
import type { SamplerSpec } from '../samplers/index.js';
import type { Trial } from '../trial.js';
import type { Direction, ParamValue } from '../types.js';
import { gridValues, SPACE_NAMES, type ParamSpec, type SearchSpace, type SpaceName } from './space.js';

/** What a trial can be scored on. */
export const TUNE_OBJECTIVES = ['accuracy', 'loss', 'size', 'latency'] as const;
export type TuneObjective = (typeof TUNE_OBJECTIVES)[number];

/** Samplers `--sampler` accepts. */
export const TUNE_SAMPLERS = ['tpe', 'random', 'grid', 'cmaes', 'nsga2'] as const;
export type TuneSampler = (typeof TUNE_SAMPLERS)[number];

/** Pruners `--pruner` accepts. */
export const TUNE_PRUNERS = ['asha', 'median', 'hyperband', 'none'] as const;
export type TunePruner = (typeof TUNE_PRUNERS)[number];

/** Direction of each objective: validation accuracy up; validation loss, brotli bytes, p50 ms down. */
export const OBJECTIVE_DIRECTIONS: Readonly<Record<TuneObjective, Direction>> = {
  accuracy: 'maximize', loss: 'minimize', size: 'minimize', latency: 'minimize',
};

/** Everything a worker needs to run trials of a study (JSON-able). */
export interface TuneConfig {
  readonly model: ZooName;
  readonly dataset: 'mnist';
  readonly space: SearchSpace;
  readonly objectives: readonly TuneObjective[];
  readonly sampler: TuneSampler;
  readonly pruner: TunePruner;
  /** Most epochs a trial trains (the pruners' max resource). */
  readonly epochs: number;
  /** Storage URL (`memory`, `journal:PATH`, `postgres://...`). */
  readonly storage: string;
  readonly study: string;
  /** Seed of the sampler, the model's initial weights and the data order. */
  readonly seed: number;
  /** Output folder: trial models go to OUT/trials/. */
  readonly out: string;
  /** Id of this `whittle tune` run: its workers' ids start with `RUN/`, so its trials are told apart. */
  readonly run: string;
  /** Trials this run adds to the study (its workers together start no more). */
  readonly budget: number;
  /** Training digits per trial (default: all 6,400 of the tuning-train part). */
  readonly trainSamples?: number;
  /** ONNX Runtime threads per worker. */
  readonly threads?: number;
}

/** The study's directions, one per objective. */
export function directionsOf(objectives: readonly TuneObjective[]): Direction[] {
  return objectives.map((o) => OBJECTIVE_DIRECTIONS[o]);
}

/** The sampler spec of a run (seeded; the grid built from the space). */
export function samplerSpec(config: Pick<TuneConfig, 'sampler' | 'seed' | 'space'>): SamplerSpec {
  const seed = config.seed;
  switch (config.sampler) {
    case 'tpe': return { name: 'tpe', seed };
    case 'random': return { name: 'random', seed };
    case 'cmaes': return { name: 'cmaes', seed };
    case 'nsga2': return { name: 'nsga2', seed };
    case 'grid': return { name: 'grid', seed, space: gridValues(config.space) };
    default: throw new UsageError(`unknown sampler '${String(config.sampler)}'`);
  }
}

/**
 * The pruner spec of a run: ASHA with min resource 1 epoch and η = 3; Hyperband from 1 to
 * `epochs` epochs, η = 3; the median rule with its defaults (5 start-up trials); or none.
 */
export function prunerSpec(config: Pick<TuneConfig, 'pruner' | 'epochs'>): PrunerSpec {
  switch (config.pruner) {
    case 'asha': return { name: 'asha', minResource: 1, reductionFactor: 3 };
    case 'hyperband': return { name: 'hyperband', minResource: 1, maxResource: config.epochs, reductionFactor: 3 };
    case 'median': return { name: 'median' };
    case 'none': return { name: 'none' };
    default: throw new UsageError(`unknown pruner '${String(config.pruner)}'`);
  }
}

/** The training (and compression) settings of one trial. */
export interface TrialSettings {
  readonly optimizer: OptimizerSpec;
  readonly batch: number;
  readonly schedule: ScheduleSpec['name'];
  /** Fraction of the planned steps spent in linear warm-up. */
  readonly warmup: number;
  /** Fraction of weights pruned (0: none). */
  readonly sparsity: number;
  readonly bits: 32 | 8 | 4;
}

/** Momentum when a grid trial uses SGD (grids leave conditional parameters out). */
const GRID_MOMENTUM = 0.9;

/**
 * Asks `trial` for every parameter of `space` (fixed ones are not asked): a conditional space,
 * momentum only for SGD. Values fall back to whittle's training defaults when a name is absent.
 */
export function suggestSettings(trial: Trial, space: SearchSpace, grid: boolean): TrialSettings {
  const get = (name: SpaceName, fallback: ParamValue): ParamValue => {
    const spec: ParamSpec | undefined = space[name];
    if (spec === undefined) return fallback;
    if (spec.kind === 'fixed') return spec.value;
    if (spec.kind === 'categorical') return trial.suggestCategorical(name, spec.choices);
    if (spec.kind === 'int') return trial.suggestInt(name, spec.low, spec.high, { log: spec.log, step: spec.step });
    return trial.suggestFloat(name, spec.low, spec.high, { log: spec.log, ...(spec.step !== undefined ? { step: spec.step } : {}) });
  };
  const name = get('optimizer', 'adamw') as OptimizerSpec['name'];
  const lr = get('lr', 1e-3) as number;
  const weightDecay = get('weight-decay', 0) as number;
  let momentum: number | undefined;
  if (name === 'sgd') momentum = grid && space.momentum?.kind !== 'fixed' ? GRID_MOMENTUM : (get('momentum', 0.9) as number);
  const optimizer = { name, lr, weightDecay, ...(momentum !== undefined ? { momentum } : {}) } as OptimizerSpec;
  return {
    optimizer,
    batch: get('batch', 64) as number,
    schedule: get('schedule', 'constant') as ScheduleSpec['name'],
    warmup: get('warmup', 0) as number,
    sparsity: get('sparsity', 0) as number,
    bits: get('bits', 32) as 32 | 8 | 4,
  };
}

/** The names a space tunes (not fixed), in suggestion order. */
export function tunedNames(space: SearchSpace): SpaceName[] {
  return SPACE_NAMES.filter((n) => space[n] !== undefined && space[n]!.kind !== 'fixed');
}
