/**
 * Reading untyped recipe objects (parsed YAML/JSON) into typed values, with errors that name the
 * recipe file, the place in it (`steps[2].sparsity`) and what was expected.
 */
import { UsageError } from '../errors.js';

/** A recipe that cannot run: the message names the file, the place and the expected value. */
export class RecipeError extends UsageError {}

/** Where a value sits in the recipe, for messages. */
export class Place {
  constructor(readonly file: string, readonly path: string) {}

  at(key: string | number): Place {
    return new Place(this.file, typeof key === 'number' ? `${this.path}[${key}]` : this.path ? `${this.path}.${key}` : key);
  }

  error(message: string): RecipeError {
    return new RecipeError(`${this.file}: ${this.path ? `${this.path}: ` : ''}${message}`);
  }
}

export type Raw = Readonly<Record<string, unknown>>;

/** The value as an object (not an array, not null). */
export function object(value: unknown, place: Place): Raw {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw place.error(`expected a mapping of keys to values, got ${describe(value)}`);
  return value as Raw;
}

/** Rejects keys other than `allowed` (typos must not be silently ignored). */
export function onlyKeys(raw: Raw, allowed: readonly string[], place: Place): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) throw place.error(`unknown key '${key}' (known: ${allowed.join(', ')})`);
  }
}

/** A non-empty string (or `fallback` when absent). */
export function string(raw: Raw, key: string, place: Place, fallback?: string): string {
  const v = raw[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string' || v === '') throw place.at(key).error(v === undefined ? 'missing' : `expected a non-empty string, got ${describe(v)}`);
  return v;
}

/** One of `choices` (or `fallback` when absent). */
export function choice<T extends string>(raw: Raw, key: string, choices: readonly T[], place: Place, fallback: T): T {
  const v = raw[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !choices.includes(v as T)) throw place.at(key).error(`expected one of ${choices.join(', ')}, got ${describe(v)}`);
  return v as T;
}

/** A number in a range; `integer` for counts. */
export function number(raw: Raw, key: string, place: Place, rule: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean; integer?: boolean; fallback?: number }): number {
  const v = raw[key];
  if (v === undefined && rule.fallback !== undefined) return rule.fallback;
  const tooLow = (n: number) => rule.min !== undefined && (rule.minExclusive ? n <= rule.min : n < rule.min);
  const tooHigh = (n: number) => rule.max !== undefined && (rule.maxExclusive ? n >= rule.max : n > rule.max);
  if (typeof v !== 'number' || !Number.isFinite(v) || (rule.integer && !Number.isInteger(v)) || tooLow(v) || tooHigh(v)) {
    throw place.at(key).error(`${v === undefined ? 'missing: ' : ''}expected ${expectation(rule)}${v === undefined ? '' : `, got ${describe(v)}`}`);
  }
  return v;
}

function expectation(rule: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean; integer?: boolean }): string {
  const kind = rule.integer ? 'an integer' : 'a number';
  const lo = rule.min === undefined ? '' : `${rule.minExclusive ? '>' : '>='} ${rule.min}`;
  const hi = rule.max === undefined ? '' : `${rule.maxExclusive ? '<' : '<='} ${rule.max}`;
  return [kind, [lo, hi].filter(Boolean).join(' and ')].filter(Boolean).join(' ');
}

/** A short description of a value for messages. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}
