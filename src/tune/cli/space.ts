/**
 * The search space of `whittle tune`: which training (and compression) hyperparameters a trial
 * asks its sampler for, with what ranges. The default space and the compression space are
 * documented in docs/tuning.md; a space file (YAML or JSON) overrides entries by name.
 *
 * A space file maps a parameter name to one of:
 * - `{ low, high, log?, step?, int? }`: a range (log: log-uniform; step: a grid; int: integers),
 * - `{ choices: [...] }`: one of a list,
 * - a plain scalar: the parameter is fixed to that value (not tuned).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../errors.js';
import { categoricalDistribution, floatDistribution, intDistribution } from '../distributions.js';
import type { Distribution, ParamValue } from '../types.js';

/** One parameter of the space: a distribution to sample, or a fixed value. */
export type ParamSpec = Distribution | { readonly kind: 'fixed'; readonly value: ParamValue };

/** Names a space may hold, in the order a trial suggests them. */
export const SPACE_NAMES = ['optimizer', 'lr', 'weight-decay', 'momentum', 'batch', 'schedule', 'warmup', 'sparsity', 'bits'] as const;
export type SpaceName = (typeof SPACE_NAMES)[number];

/** A resolved search space (JSON-able, passed to worker processes). */
export type SearchSpace = Readonly<Partial<Record<SpaceName, ParamSpec>>>;

/** Optimizers a space may choose from (muon is left out: its JavaScript Newton–Schulz step is slow). */
export const TUNE_OPTIMIZERS = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'lion', 'schedule-free-adamw'] as const;
/** Schedules a space may choose from (those that need no extra options). */
export const TUNE_SCHEDULES = ['constant', 'cosine', 'linear', 'polynomial', 'one-cycle'] as const;
/** Bit widths: 32 = float (no quantization), 8 = int8 static QDQ, 4 = int4 weight-only. */
export const TUNE_BITS = [32, 8, 4] as const;

/** The default space: training hyperparameters only. */
export const DEFAULT_SPACE: SearchSpace = {
  optimizer: categoricalDistribution('optimizer', ['adamw', 'adam', 'sgd']),
  lr: floatDistribution('lr', 1e-4, 1e-1, { log: true }),
  'weight-decay': floatDistribution('weight-decay', 1e-6, 1e-1, { log: true }),
  momentum: floatDistribution('momentum', 0.5, 0.99),
  batch: categoricalDistribution('batch', [32, 64, 128, 256]),
  schedule: categoricalDistribution('schedule', ['constant', 'cosine', 'polynomial']),
  warmup: floatDistribution('warmup', 0, 0.2),
};

/** What `--space compression` adds to the default space. */
export const COMPRESSION_SPACE: SearchSpace = {
  sparsity: floatDistribution('sparsity', 0, 0.9, { step: 0.05 }),
  bits: categoricalDistribution('bits', [32, 8, 4]),
};

/** True when the space tunes (or fixes) compression. */
export function hasCompression(space: SearchSpace): boolean {
  return space.sparsity !== undefined || space.bits !== undefined;
}

type Check = (v: ParamValue) => string | undefined;
const num = (ok: (n: number) => boolean, what: string): Check => (v) => (typeof v === 'number' && ok(v) ? undefined : `values must be ${what}, got ${JSON.stringify(v)}`);
const oneOf = (list: readonly ParamValue[]): Check => (v) => (list.includes(v) ? undefined : `${JSON.stringify(v)} is not one of ${list.join(', ')}`);

/** What values each name accepts. */
const DOMAIN: Record<SpaceName, Check> = {
  optimizer: oneOf(TUNE_OPTIMIZERS),
  lr: num((n) => n > 0, 'positive numbers'),
  'weight-decay': num((n) => n >= 0, 'numbers >= 0'),
  momentum: num((n) => n >= 0 && n < 1, 'numbers in [0, 1)'),
  batch: num((n) => Number.isInteger(n) && n >= 1, 'integers >= 1'),
  schedule: oneOf(TUNE_SCHEDULES),
  warmup: num((n) => n >= 0 && n < 1, 'fractions of the run in [0, 1)'),
  sparsity: num((n) => n >= 0 && n < 1, 'fractions in [0, 1)'),
  bits: oneOf(TUNE_BITS),
};

const RANGE_KEYS = new Set(['low', 'high', 'log', 'step', 'int']);

/** One entry of a space file as a {@link ParamSpec}; errors name the file and key. */
function parseEntry(file: string, key: SpaceName, raw: unknown): ParamSpec {
  const fail = (why: string): never => { throw new UsageError(`${file}: '${key}': ${why}`); };
  const check = (v: ParamValue): void => {
    const why = DOMAIN[key](v);
    if (why !== undefined) fail(why);
  };
  const rewrap = <T>(make: () => T): T => {
    try {
      return make();
    } catch (e) {
      return fail((e as Error).message.replace(/^parameter '[^']*': /, ''));
    }
  };
  if (raw === null || typeof raw !== 'object') {
    if (typeof raw !== 'number' && typeof raw !== 'string' && typeof raw !== 'boolean') fail(`expected a range, choices or a fixed value, got ${JSON.stringify(raw)}`);
    check(raw as ParamValue);
    return { kind: 'fixed', value: raw as ParamValue };
  }
  if (Array.isArray(raw)) return fail('a list: write { choices: [...] } to choose among values');
  const obj = raw as Record<string, unknown>;
  if ('choices' in obj) {
    const extra = Object.keys(obj).filter((k) => k !== 'choices');
    if (extra.length > 0) fail(`'choices' cannot be combined with ${extra.join(', ')}`);
    if (!Array.isArray(obj['choices'])) fail(`choices must be a list, got ${JSON.stringify(obj['choices'])}`);
    const choices = obj['choices'] as ParamValue[];
    const dist = rewrap(() => categoricalDistribution(key, choices));
    choices.forEach(check);
    return dist;
  }
  const unknown = Object.keys(obj).filter((k) => !RANGE_KEYS.has(k));
  if (unknown.length > 0) fail(`unknown field(s) ${unknown.join(', ')} (a range has low, high, log, step, int; or give choices)`);
  const { low, high, log, step, int } = obj;
  if (typeof low !== 'number' || typeof high !== 'number') fail(`a range needs numeric low and high, got low ${JSON.stringify(low)} and high ${JSON.stringify(high)}`);
  if (log !== undefined && typeof log !== 'boolean') fail(`log must be true or false, got ${JSON.stringify(log)}`);
  if (int !== undefined && typeof int !== 'boolean') fail(`int must be true or false, got ${JSON.stringify(int)}`);
  if (step !== undefined && typeof step !== 'number') fail(`step must be a number, got ${JSON.stringify(step)}`);
  if (key === 'optimizer' || key === 'schedule' || key === 'bits') fail('takes choices, not a range');
  const opts = { ...(log === true ? { log: true } : {}), ...(step !== undefined ? { step: step as number } : {}) };
  const dist = int === true || key === 'batch'
    ? rewrap(() => intDistribution(key, low as number, high as number, opts))
    : rewrap(() => floatDistribution(key, low as number, high as number, opts));
  check(dist.kind === 'categorical' ? null : dist.low);
  check(dist.kind === 'categorical' ? null : dist.high);
  return dist;
}

/** Parses space-file text (YAML, which includes JSON) into overrides; errors name `file`. */
export function parseSpaceText(text: string, file: string): SearchSpace {
  let doc: unknown;
  try {
    doc = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new UsageError(`${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${String((e as Error).message).split('\n')[0]}`, { cause: e });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new UsageError(`${file}: expected a mapping of parameter names (${SPACE_NAMES.join(', ')}) to ranges, choices or values`);
  }
  const out: Partial<Record<SpaceName, ParamSpec>> = {};
  for (const [key, raw] of Object.entries(doc)) {
    if (!(SPACE_NAMES as readonly string[]).includes(key)) {
      throw new UsageError(`${file}: unknown parameter '${key}' (known: ${SPACE_NAMES.join(', ')})`);
    }
    out[key as SpaceName] = parseEntry(file, key as SpaceName, raw);
  }
  return out;
}

/**
 * The space `--space` names: undefined or 'default' = {@link DEFAULT_SPACE}; 'compression' = the
 * default plus {@link COMPRESSION_SPACE}; otherwise a .yaml/.yml/.json file whose entries
 * override the default space's by name (naming sparsity or bits adds compression).
 */
export function resolveSpace(arg: string | undefined): SearchSpace {
  if (arg === undefined || arg === 'default') return DEFAULT_SPACE;
  if (arg === 'compression') return { ...DEFAULT_SPACE, ...COMPRESSION_SPACE };
  if (!/\.(ya?ml|json)$/i.test(arg)) throw new UsageError(`--space must be 'default', 'compression' or a .yaml/.yml/.json file, got '${arg}'`);
  if (!existsSync(arg)) throw new UsageError(`--space ${arg}: no such file`);
  let text: string;
  try {
    text = readFileSync(arg, 'utf8');
  } catch (e) {
    throw new UsageError(`--space ${arg}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  return { ...DEFAULT_SPACE, ...parseSpaceText(text, arg) };
}

/**
 * The grid sampler's value lists for a space: choices as they are, stepped or integer ranges
 * enumerated (at most 32 values), continuous ranges as 3 points (low, middle, high; the middle
 * geometric on a log scale). Conditional parameters (momentum) are left out: grid trials fix them.
 */
export function gridValues(space: SearchSpace): Record<string, ParamValue[]> {
  const grid: Record<string, ParamValue[]> = {};
  for (const name of SPACE_NAMES) {
    const spec = space[name];
    if (spec === undefined || spec.kind === 'fixed' || name === 'momentum') continue;
    if (spec.kind === 'categorical') {
      grid[name] = [...spec.choices];
      continue;
    }
    const step = spec.step;
    if (step !== undefined && !spec.log) {
      const n = Math.floor((spec.high - spec.low) / step + 1e-9) + 1;
      if (n > 32) throw new UsageError(`--sampler grid: '${name}' has ${n} grid values (at most 32); narrow it or give choices`);
      grid[name] = Array.from({ length: n }, (_, i) => Number((spec.low + i * step).toPrecision(12)));
      continue;
    }
    const mid = spec.log ? Math.sqrt(spec.low * spec.high) : (spec.low + spec.high) / 2;
    const values = [spec.low, spec.kind === 'int' ? Math.round(mid) : mid, spec.high];
    grid[name] = [...new Set(values)];
  }
  return grid;
}
