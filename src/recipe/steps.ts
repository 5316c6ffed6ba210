/**
 * One recipe step from its YAML form: `{ <kind>: <output name or models>, ...options }`. Each
 * kind's options are read and checked here; optimizer and schedule specs are checked by the
 * same constructors training uses, so a recipe fails now rather than after an hour of training.
 */
import { createOptimizer, OPTIMIZER_NAMES, type OptimizerSpec } from '../optim/create.js';
import { createSchedule, SCHEDULE_NAMES, type ScheduleSpec } from '../optim/schedules/create.js';
import { WhittleError } from '../errors.js';
import { Place, choice, describe, number, object, onlyKeys, type Raw } from './fields.js';
import type { ModelRef, RecipeStep, StepKind, TrainingSettings } from './types.js';

export const STEP_KINDS: readonly StepKind[] = ['train', 'distill', 'prune', 'quantize', 'eval', 'bench'];

/** Name resolution the parser provides: refs to earlier models, new names, lists. */
export interface NameTable {
  model(ref: unknown, place: Place): ModelRef;
  define(output: string, place: Place): void;
  models(list: unknown, place: Place): string[];
}

const TRAINING_KEYS = ['epochs', 'batch', 'optimizer', 'lr', 'weight-decay', 'schedule'];
const KEYS: Readonly<Record<StepKind, readonly string[]>> = {
  train: ['model', ...TRAINING_KEYS],
  distill: ['teacher', 'student', 'temperature', 'alpha', ...TRAINING_KEYS],
  prune: ['model', 'sparsity', 'pattern', 'method', 'scope', 'layers', 'finetune', 'gradual'],
  quantize: ['model', 'mode', 'calib-samples', 'block-size'],
  eval: [],
  bench: ['batch', 'runs', 'warmup'],
};

/** Reads step `i` of the recipe. */
export function parseStep(value: unknown, at: Place, names: NameTable): RecipeStep {
  const raw = object(value, at);
  const kinds = STEP_KINDS.filter((k) => k in raw);
  if (kinds.length !== 1) {
    const unknown = Object.keys(raw).filter((k) => !Object.values(KEYS).some((ks) => ks.includes(k)));
    throw at.error(kinds.length === 0
      ? `no step kind${unknown.length ? ` (unknown step '${unknown[0]}')` : ''}: each step starts with one of ${STEP_KINDS.join(', ')}`
      : `one step kind per step, found ${kinds.join(' and ')}`);
  }
  const kind = kinds[0]!;
  const place = new Place(at.file, `${at.path} (${kind})`);
  onlyKeys(raw, [kind, ...KEYS[kind]], place);
  const output = () => {
    const name = raw[kind];
    if (typeof name !== 'string' || name === '') throw place.at(kind).error(`expected the name of the model this step makes, got ${describe(name)}`);
    return name;
  };
  switch (kind) {
    case 'train': {
      const model = names.model(raw['model'], place.at('model'));
      const out = output();
      names.define(out, place.at(kind));
      return { kind, output: out, model, training: training(raw, place) };
    }
    case 'distill': {
      const teacher = names.model(raw['teacher'], place.at('teacher'));
      const student = names.model(raw['student'], place.at('student'));
      const out = output();
      names.define(out, place.at(kind));
      return {
        kind, output: out, teacher, student, training: training(raw, place),
        temperature: number(raw, 'temperature', place, { min: 0, minExclusive: true, fallback: 4 }),
        alpha: number(raw, 'alpha', place, { min: 0, max: 1, fallback: 0.9 }),
      };
    }
    case 'prune': {
      const model = names.model(raw['model'], place.at('model'));
      const pattern = choice(raw, 'pattern', ['unstructured', '2:4', '4:8', 'channel'] as const, place, 'unstructured');
      const nm = pattern === '2:4' || pattern === '4:8';
      const sparsity = number(raw, 'sparsity', place, { min: 0, max: 1, maxExclusive: true, ...(nm ? { fallback: 0.5 } : {}) });
      const method = choice(raw, 'method', ['magnitude', 'random', 'l2', 'bn-scale'] as const, place, 'magnitude');
      if ((method === 'l2' || method === 'bn-scale') && pattern !== 'channel') throw place.at('method').error(`${method} ranks channels: use it with pattern: channel`);
      const scope = choice(raw, 'scope', ['layer', 'global'] as const, place, 'layer');
      const layers = pruneLayers(raw['layers'], place.at('layers'));
      const finetune = raw['finetune'] === undefined ? undefined : training(object(raw['finetune'], place.at('finetune')), place.at('finetune'), true);
      const gradual = raw['gradual'] ?? false;
      if (typeof gradual !== 'boolean') throw place.at('gradual').error(`expected true or false, got ${describe(gradual)}`);
      if (gradual && (pattern !== 'unstructured' || !finetune)) throw place.at('gradual').error('gradual pruning needs pattern: unstructured and finetune (it prunes while fine-tuning)');
      if (gradual && method !== 'magnitude' && method !== 'random') throw place.at('gradual').error(`gradual pruning ranks by magnitude or random, not ${method}`);
      const out = output();
      names.define(out, place.at(kind));
      return { kind, output: out, model, sparsity, pattern, method, scope, layers, gradual, ...(finetune ? { finetune } : {}) };
    }
    case 'quantize': {
      const model = names.model(raw['model'], place.at('model'));
      if (raw['mode'] === undefined) throw place.at('mode').error('missing: expected one of fp16, int8-dynamic, int8, int4');
      const mode = choice(raw, 'mode', ['fp16', 'int8-dynamic', 'int8', 'int4'] as const, place, 'int8');
      const calibSamples = number(raw, 'calib-samples', place, { min: 1, integer: true, fallback: 256 });
      const blockSize = raw['block-size'] === undefined ? undefined : number(raw, 'block-size', place, { min: 16, max: 256, integer: true });
      if (blockSize !== undefined && (mode !== 'int4' || (blockSize & (blockSize - 1)) !== 0)) throw place.at('block-size').error('goes with mode: int4 and must be a power of two in 16..256');
      const out = output();
      names.define(out, place.at(kind));
      return { kind, output: out, model, mode, calibSamples, ...(blockSize ? { blockSize } : {}) };
    }
    case 'eval':
      return { kind, models: names.models(raw[kind], place.at(kind)) };
    case 'bench':
      return {
        kind, models: names.models(raw[kind], place.at(kind)),
        batch: number(raw, 'batch', place, { min: 1, integer: true, fallback: 1 }),
        runs: number(raw, 'runs', place, { min: 1, integer: true, fallback: 100 }),
        warmup: number(raw, 'warmup', place, { min: 0, integer: true, fallback: 10 }),
      };
  }
}

/** 'default', 'all', or a list of weight names. */
function pruneLayers(value: unknown, place: Place): 'default' | 'all' | string[] {
  if (value === undefined || value === 'default') return 'default';
  if (value === 'all') return 'all';
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '')) return value as string[];
  throw place.error(`expected default, all, or a list of weight names, got ${describe(value)}`);
}

/** epochs, batch, optimizer (a name or a spec), lr / weight-decay shorthands, schedule. */
function training(raw: Raw, place: Place, nested = false): TrainingSettings {
  if (nested) onlyKeys(raw, TRAINING_KEYS, place);
  const epochs = number(raw, 'epochs', place, { min: 1, integer: true, fallback: 1 });
  const batch = number(raw, 'batch', place, { min: 1, integer: true, fallback: 64 });
  let optimizer = spec<OptimizerSpec>(raw['optimizer'], place.at('optimizer'), OPTIMIZER_NAMES, 'adamw');
  const lr = raw['lr'] === undefined ? undefined : number(raw, 'lr', place, { min: 0, minExclusive: true });
  const wd = raw['weight-decay'] === undefined ? undefined : number(raw, 'weight-decay', place, { min: 0 });
  optimizer = { ...optimizer, ...(lr !== undefined ? { lr } : {}), ...(wd !== undefined ? { weightDecay: wd } : {}) } as OptimizerSpec;
  const schedule = spec<ScheduleSpec>(raw['schedule'], place.at('schedule'), SCHEDULE_NAMES, 'constant');
  // The constructors training uses validate every hyperparameter; run them now on no parameters.
  check(place.at('optimizer'), () => createOptimizer(optimizer, new Map(), undefined, { shapes: new Map() }));
  check(place.at('schedule'), () => createSchedule(schedule, (optimizer as { lr?: number }).lr ?? 1e-3, 1000));
  return { epochs, batch, optimizer, schedule };
}

/** A spec given as its name (`adamw`) or as an object with a `name` and options. */
function spec<T extends { readonly name: string }>(value: unknown, place: Place, known: readonly string[], fallback: string): T {
  if (value === undefined) return { name: fallback } as T;
  const obj = typeof value === 'string' ? { name: value } : object(value, place);
  const name = obj['name'];
  if (typeof name !== 'string' || !known.includes(name)) throw place.error(`expected one of ${known.join(', ')} (or { name: ..., options }), got ${describe(name ?? value)}`);
  return obj as unknown as T;
}

/** Runs a constructor that validates a value; its WhittleError becomes a RecipeError at `place`. */
export function check(place: Place, build: () => unknown): void {
  try {
    build();
  } catch (e) {
    if (e instanceof WhittleError) throw place.error(e.message);
    throw e;
  }
}
