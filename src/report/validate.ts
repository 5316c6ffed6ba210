/**
 * Checks a {@link ReportData} before anything is drawn: a report with a NaN size or an accuracy of
 * 98 (percent instead of a fraction) would draw a wrong chart silently, so it is refused with a
 * message naming the field and what was expected.
 */
import { UsageError } from '../errors.js';
import type { ReportData, TuningReport, VariantReport } from './types.js';

function fail(path: string, value: unknown, expected: string): never {
  const shown = typeof value === 'string' ? `'${value}'` : typeof value === 'number' || value === null ? String(value) : typeof value;
  throw new UsageError(`report: ${path} is ${shown}; expected ${expected}`);
}

function nonNegative(path: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(path, v, 'a finite number >= 0');
}

function fraction(path: string, v: unknown, nullable: boolean): void {
  if (v === null && nullable) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
    fail(path, v, `a fraction between 0 and 1${nullable ? ' or null' : ''}`);
  }
}

function finiteOrNull(path: string, v: unknown): void {
  if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) fail(path, v, 'a finite number or null');
}

function validateVariant(v: VariantReport, i: number): void {
  const at = `variants[${i}]`;
  if (typeof v.name !== 'string' || v.name.trim() === '') fail(`${at}.name`, v.name, 'a non-empty string');
  if (typeof v.description !== 'string') fail(`${at}.description`, v.description, 'a string');
  fraction(`${at}.accuracy`, v.accuracy, true);
  for (const key of ['params', 'flops', 'sizeBytes', 'brotliBytes', 'latencyMsP50'] as const) nonNegative(`${at}.${key}`, v[key]);
  if (v.nonZeroParams !== undefined) {
    nonNegative(`${at}.nonZeroParams`, v.nonZeroParams);
    if (v.nonZeroParams > v.params) fail(`${at}.nonZeroParams`, v.nonZeroParams, `at most params (${v.params})`);
  }
  if (!Number.isInteger(v.latencyBatch) || v.latencyBatch < 1) fail(`${at}.latencyBatch`, v.latencyBatch, 'an integer >= 1');
  if (v.energy) {
    for (const key of ['joules', 'co2Grams', 'seconds'] as const) nonNegative(`${at}.energy.${key}`, v.energy[key]);
    if (v.energy.method !== 'rapl' && v.energy.method !== 'estimate') fail(`${at}.energy.method`, v.energy.method, "'rapl' or 'estimate'");
  }
  v.history?.forEach((h, j) => {
    const hp = `${at}.history[${j}]`;
    if (!Number.isFinite(h.epoch)) fail(`${hp}.epoch`, h.epoch, 'a finite number');
    if (!Number.isFinite(h.trainLoss)) fail(`${hp}.trainLoss`, h.trainLoss, 'a finite number');
    finiteOrNull(`${hp}.valLoss`, h.valLoss);
    fraction(`${hp}.trainAccuracy`, h.trainAccuracy, true);
    fraction(`${hp}.valAccuracy`, h.valAccuracy, true);
  });
  v.layers?.forEach((l, j) => {
    const lp = `${at}.layers[${j}]`;
    if (typeof l.name !== 'string' || l.name === '') fail(`${lp}.name`, l.name, 'a non-empty string');
    if (l.sparsity !== undefined) fraction(`${lp}.sparsity`, l.sparsity, false);
    if (l.sensitivity !== undefined && !Number.isFinite(l.sensitivity)) fail(`${lp}.sensitivity`, l.sensitivity, 'a finite number');
    if (l.bits !== undefined && (!Number.isInteger(l.bits) || l.bits < 1 || l.bits > 64)) fail(`${lp}.bits`, l.bits, 'an integer 1..64');
  });
}

function validateTuning(t: TuningReport): void {
  if (typeof t.study !== 'string') fail('tuning.study', t.study, 'a string');
  if (t.objectives.length === 0) fail('tuning.objectives', 'empty', 'at least one objective');
  t.objectives.forEach((o, i) => {
    if (o.direction !== 'minimize' && o.direction !== 'maximize') fail(`tuning.objectives[${i}].direction`, o.direction, "'minimize' or 'maximize'");
  });
  const numbers = new Set<number>();
  t.trials.forEach((trial, i) => {
    const at = `tuning.trials[${i}]`;
    if (!Number.isInteger(trial.number) || numbers.has(trial.number)) fail(`${at}.number`, trial.number, 'a unique integer');
    numbers.add(trial.number);
    if (trial.values !== undefined) {
      if (trial.values.length !== t.objectives.length) fail(`${at}.values`, `${trial.values.length} values`, `${t.objectives.length} (one per objective)`);
      trial.values.forEach((v, j) => { if (!Number.isFinite(v)) fail(`${at}.values[${j}]`, v, 'a finite number'); });
    }
    for (const [step, v] of Object.entries(trial.intermediate)) {
      if (!Number.isFinite(Number(step)) || !Number.isFinite(v)) fail(`${at}.intermediate[${step}]`, v, 'finite steps and values');
    }
    if (trial.durationS !== undefined) nonNegative(`${at}.durationS`, trial.durationS);
  });
  t.best.forEach((n, i) => { if (!numbers.has(n)) fail(`tuning.best[${i}]`, n, 'the number of a trial in tuning.trials'); });
  for (const [name, v] of Object.entries(t.importance)) nonNegative(`tuning.importance.${name}`, v);
}

/** Throws a UsageError naming the first field of `data` that cannot be drawn truthfully. */
export function validateReport(data: ReportData): void {
  if (typeof data.title !== 'string' || data.title.trim() === '') fail('title', data.title, 'a non-empty string');
  if (typeof data.createdAt !== 'string' || Number.isNaN(Date.parse(data.createdAt))) fail('createdAt', data.createdAt, 'an ISO 8601 date');
  if (data.variants.length === 0 && !data.tuning) fail('variants', 'empty', 'at least one variant (or a tuning section)');
  const names = new Set<string>();
  data.variants.forEach((v, i) => {
    validateVariant(v, i);
    if (names.has(v.name)) fail(`variants[${i}].name`, v.name, 'a name no other variant has');
    names.add(v.name);
  });
  if (data.energy) {
    if (data.energy.method !== 'rapl' && data.energy.method !== 'estimate') fail('energy.method', data.energy.method, "'rapl' or 'estimate'");
    nonNegative('energy.gramsPerKWh', data.energy.gramsPerKWh);
  }
  if (data.tuning) validateTuning(data.tuning);
}
