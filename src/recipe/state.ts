/**
 * The run state of a recipe's output folder (`state.json`): what each finished step produced
 * and the fingerprint of what it was made from. A step whose fingerprint (its options, the seed,
 * the data, the bytes of its input models) matches a recorded one, and whose artifact is still
 * there with the same bytes, is reused instead of run again: that is what makes recipes
 * resumable. Written atomically after every step, so a crash loses at most the running step.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecipeError } from './fields.js';
import type { StepRecord } from './records.js';

export const STATE_FILE = 'state.json';
const VERSION = 1;

interface StateFile {
  readonly version: number;
  readonly recipe: string;
  /** Records by fingerprint. */
  readonly steps: Record<string, StepRecord>;
}

/** The finished steps of one output folder, by fingerprint (see the module comment). */
export class RunState {
  private constructor(private readonly dir: string, private readonly recipe: string, private readonly steps: Record<string, StepRecord>) {}

  /** Opens the state of `dir` (empty when the folder has none). */
  static open(dir: string, recipe: string): RunState {
    const path = join(dir, STATE_FILE);
    if (!existsSync(path)) return new RunState(dir, recipe, {});
    let parsed: StateFile;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8')) as StateFile;
    } catch (e) {
      throw new RecipeError(`${path}: not a whittle run state (delete it, or choose another output folder)`, { cause: e });
    }
    if (parsed?.version !== VERSION || typeof parsed.steps !== 'object' || parsed.steps === null || Array.isArray(parsed.steps)) {
      throw new RecipeError(`${path}: written by another version of whittle (delete it, or choose another output folder)`);
    }
    return new RunState(dir, recipe, parsed.steps);
  }

  /** The record of a finished step with this fingerprint whose artifact is intact, if any. */
  reusable(fingerprint: string): StepRecord | undefined {
    const record = this.steps[fingerprint];
    if (!record) return undefined;
    if (record.artifact) {
      const path = join(this.dir, record.artifact.file);
      if (!existsSync(path) || sha256File(path) !== record.artifact.sha256) return undefined;
    }
    return record;
  }

  /** Records a finished step and writes the state file (temp + rename). */
  save(fingerprint: string, record: StepRecord): void {
    this.steps[fingerprint] = record;
    const path = join(this.dir, STATE_FILE);
    const temp = `${path}.${process.pid}.tmp`;
    const doc: StateFile = { version: VERSION, recipe: this.recipe, steps: this.steps };
    writeFileSync(temp, JSON.stringify(doc, null, 1));
    renameSync(temp, path);
  }
}

/** A stable fingerprint of JSON-able parts (object keys sorted). */
export function fingerprint(parts: unknown): string {
  return createHash('sha256').update(canonical(parts)).digest('hex').slice(0, 32);
}

/** The SHA-256 (hex) of a file's bytes. */
export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
