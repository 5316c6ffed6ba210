/** Turning `whittle train` flags into typed optimizer, schedule and loss options. */
import { UsageError } from '../errors.js';
import type { LossSpec } from '../autodiff/types.js';
import { OPTIMIZER_NAMES, type OptimizerSpec } from '../optim/create.js';
import { SCHEDULE_NAMES, type ScheduleSpec } from '../optim/schedules/create.js';
import { intFlag, optionalIntFlag, type Parsed } from './args.js';

export function numberFlag(p: Parsed, name: string, check: (n: number) => boolean = Number.isFinite, expected = 'a number'): number | undefined {
  const v = p.values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${expected}, got '${String(v)}'`);
  return n;
}

/** --optimizer, --lr, --weight-decay, --momentum, --betas, --nesterov. */
export function optimizerFromFlags(p: Parsed): OptimizerSpec {
  const name = (p.values['optimizer'] as string | undefined) ?? 'adamw';
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`--optimizer must be one of ${OPTIMIZER_NAMES.join(', ')}, got '${name}'`);
  }
  const lr = numberFlag(p, 'lr', (n) => n > 0, 'a positive number');
  const weightDecay = numberFlag(p, 'weight-decay', (n) => n >= 0, 'a number >= 0');
  const momentum = numberFlag(p, 'momentum', (n) => n >= 0 && n < 1, 'a number in [0, 1)');
  const betasRaw = p.values['betas'] as string | undefined;
  let betas: [number, number] | undefined;
  if (betasRaw !== undefined) {
    const parts = betasRaw.split(',').map(Number);
    if (parts.length !== 2 || parts.some((b) => !(b >= 0 && b < 1))) throw new UsageError(`--betas must be two numbers in [0, 1) like 0.9,0.999, got '${betasRaw}'`);
    betas = [parts[0]!, parts[1]!];
  }
  if (momentum !== undefined && !['sgd', 'rmsprop', 'muon'].includes(name)) throw new UsageError(`--momentum applies to sgd, rmsprop and muon, not ${name}`);
  if (betas && !['adam', 'adamw', 'lion', 'schedule-free-adamw'].includes(name)) throw new UsageError(`--betas applies to adam, adamw, lion and schedule-free-adamw, not ${name}`);
  if (p.values['nesterov'] && !['sgd', 'muon'].includes(name)) throw new UsageError(`--nesterov applies to sgd and muon, not ${name}`);
  return {
    name,
    ...(lr !== undefined ? { lr } : {}),
    ...(weightDecay !== undefined ? { weightDecay } : {}),
    ...(momentum !== undefined ? { momentum } : {}),
    ...(betas ? { betas } : {}),
    ...(p.values['nesterov'] ? { nesterov: true } : {}),
  } as OptimizerSpec;
}

/** Which schedule options each schedule reads (--warmup applies to all). */
const SCHEDULE_FLAGS: Readonly<Record<string, readonly string[]>> = {
  cosine: ['min-lr'], step: ['step-size', 'gamma'], exponential: ['gamma'], 'cosine-restarts': ['step-size', 'min-lr'], wsd: ['min-lr'],
};

/** --schedule NAME [--warmup STEPS] [--min-lr F] [--step-size N] [--gamma F]. */
export function scheduleFromFlags(p: Parsed): ScheduleSpec {
  const name = (p.values['schedule'] as string | undefined) ?? 'constant';
  const cli = SCHEDULE_NAMES.filter((n) => n !== 'plateau' && n !== 'multi-step');
  if (!(cli as readonly string[]).includes(name)) {
    throw new UsageError(`--schedule must be one of ${cli.join(', ')}, got '${name}' (plateau and multi-step: use the API)`);
  }
  const uses = SCHEDULE_FLAGS[name] ?? [];
  for (const f of ['min-lr', 'gamma', 'step-size']) {
    if (p.values[f] !== undefined && !uses.includes(f)) throw new UsageError(`--${f} does not apply to --schedule ${name}`);
  }
  const warmup = numberFlag(p, 'warmup', (n) => Number.isInteger(n) && n >= 0, 'a whole number of steps');
  const minLr = numberFlag(p, 'min-lr', (n) => n >= 0, 'a number >= 0');
  const gamma = numberFlag(p, 'gamma', (n) => n > 0, 'a positive number');
  const stepSize = numberFlag(p, 'step-size', (n) => Number.isInteger(n) && n >= 1, 'a whole number of steps');
  const warm = warmup ? { warmup: { steps: warmup } } : {};
  switch (name) {
    case 'constant': return { name, ...warm };
    case 'cosine': return { name, ...(minLr !== undefined ? { etaMin: minLr } : {}), ...warm };
    case 'step': {
      if (stepSize === undefined) throw new UsageError('--schedule step needs --step-size N (steps between decays)');
      return { name, stepSize, ...(gamma !== undefined ? { gamma } : {}), ...warm };
    }
    case 'exponential': {
      if (gamma === undefined) throw new UsageError('--schedule exponential needs --gamma F (decay per step)');
      return { name, gamma, ...warm };
    }
    case 'cosine-restarts': {
      if (stepSize === undefined) throw new UsageError('--schedule cosine-restarts needs --step-size N (steps of the first cycle)');
      return { name, t0: stepSize, ...(minLr !== undefined ? { etaMin: minLr } : {}), ...warm };
    }
    case 'wsd': return { name, ...(warmup ? { warmupSteps: warmup } : {}), ...(minLr !== undefined ? { minLr } : {}) };
    case 'one-cycle': return { name, ...warm };
    case 'linear': return { name, ...warm };
    case 'polynomial': return { name, ...warm };
    case 'multi-step': throw new UsageError('--schedule multi-step needs milestones: use the API (createSchedule) for it');
    default: throw new UsageError(`--schedule ${name} is not available from the command line`);
  }
}

/** --loss and --label-smoothing; the default follows the labels' dtype. */
export function lossFromFlags(p: Parsed, labelsAreClasses: boolean): LossSpec {
  const name = (p.values['loss'] as string | undefined) ?? (labelsAreClasses ? 'cross-entropy' : 'mse');
  const smoothing = numberFlag(p, 'label-smoothing', (n) => n >= 0 && n < 1, 'a number in [0, 1)');
  if (name === 'cross-entropy') return { kind: 'cross-entropy', ...(smoothing !== undefined ? { labelSmoothing: smoothing } : {}) };
  if (smoothing !== undefined) throw new UsageError('--label-smoothing goes with --loss cross-entropy');
  if (name === 'mse') return { kind: 'mse' };
  throw new UsageError(`--loss must be cross-entropy or mse, got '${name}'`);
}

/** Flag specs of {@link loopFromFlags}, to spread into a command's FLAGS. */
export const LOOP_FLAGS = {
  optimizer: { type: 'string' }, lr: { type: 'string' }, 'weight-decay': { type: 'string' }, momentum: { type: 'string' },
  betas: { type: 'string' }, nesterov: { type: 'boolean' }, schedule: { type: 'string' }, warmup: { type: 'string' },
  'min-lr': { type: 'string' }, gamma: { type: 'string' }, 'step-size': { type: 'string' },
  epochs: { type: 'string' }, steps: { type: 'string' }, batch: { type: 'string' }, 'no-shuffle': { type: 'boolean' },
  seed: { type: 'string' }, threads: { type: 'string' }, 'clip-norm': { type: 'string' }, accumulate: { type: 'string' },
  'no-decay-bias': { type: 'boolean' },
} as const;

/**
 * The loop flags `whittle train` and `whittle distill` share, read and checked at once:
 * --seed, --epochs | --steps, --batch, --threads, --accumulate, --clip-norm, the optimizer and
 * schedule flags, --no-shuffle, --no-decay-bias. `fit` is the fit options they make.
 */
export function loopFromFlags(p: Parsed) {
  const seed = intFlag(p, 'seed', 0, 0);
  const epochs = optionalIntFlag(p, 'epochs');
  const steps = optionalIntFlag(p, 'steps');
  if (epochs !== undefined && steps !== undefined) throw new UsageError('give --epochs or --steps, not both');
  const batchSize = intFlag(p, 'batch', 64);
  const threads = optionalIntFlag(p, 'threads');
  const accumulate = intFlag(p, 'accumulate', 1);
  const clipNorm = numberFlag(p, 'clip-norm', (n) => n > 0, 'a positive number');
  const optimizer = optimizerFromFlags(p);
  const schedule = scheduleFromFlags(p);
  return {
    seed, batchSize, optimizer, schedule,
    fit: {
      optimizer, schedule, batchSize, seed, accumulate,
      ...(epochs !== undefined ? { epochs } : {}), ...(steps !== undefined ? { steps } : {}),
      ...(threads ? { threads } : {}), ...(clipNorm ? { clip: { kind: 'norm' as const, max: clipNorm } } : {}),
      ...(p.values['no-shuffle'] ? { shuffle: false } : {}),
      ...(p.values['no-decay-bias'] ? { noDecay: 'biases-and-norms' as const } : {}),
    },
  };
}
