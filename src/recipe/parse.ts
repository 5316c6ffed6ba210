/**
 * Recipe files (YAML or JSON) to a validated {@link Recipe}. Everything that can be checked
 * before running is checked here: unknown keys and steps, bad values, missing input files,
 * models used before a step makes them, names used twice. The first problem found is reported
 * as one line naming the file and the place (`recipe.yaml: steps[2] (prune).sparsity: ...`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { gridIntensity } from '../measure/energy/carbon.js';
import { isZooName, ZOO_NAMES } from '../nn/zoo.js';
import { Place, RecipeError, describe, number, object, onlyKeys, string } from './fields.js';
import { check, parseStep, type NameTable } from './steps.js';
import type { ModelRef, Recipe } from './types.js';

const TOP_KEYS = ['name', 'data', 'seed', 'threads', 'region', 'models', 'steps'] as const;
/** Model and output names become file names: keep them simple. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Reads and validates a recipe file (.yaml, .yml or .json). */
export function loadRecipe(path: string): Recipe {
  if (!existsSync(path)) throw new RecipeError(`${path}: no such file`);
  if (statSync(path).isDirectory()) throw new RecipeError(`${path}: is a directory, expected a recipe file (.yaml or .json)`);
  const text = readFileSync(path, 'utf8');
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { prettyErrors: false });
  } catch (e) {
    const first = String((e as Error).message).split('\n')[0];
    throw new RecipeError(`${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${first}`, { cause: e });
  }
  return parseRecipe(raw, path, dirname(resolve(path)));
}

/**
 * Validates a parsed recipe object. `source` names it in messages; relative file paths are
 * resolved against `baseDir`.
 */
export function parseRecipe(value: unknown, source: string, baseDir: string): Recipe {
  const top = new Place(source, '');
  const raw = object(value, top);
  onlyKeys(raw, TOP_KEYS, top);
  const name = raw['name'] === undefined ? 'recipe' : string(raw, 'name', top);
  if (!NAME.test(name)) throw top.at('name').error(`'${name}' must be letters, digits, '.', '_' or '-' (it names the default output folder)`);
  const seed = number(raw, 'seed', top, { min: 0, integer: true, fallback: 0 });
  const threads = raw['threads'] === undefined ? undefined : number(raw, 'threads', top, { min: 1, integer: true });
  const region = raw['region'] === undefined ? undefined : string(raw, 'region', top);
  if (region !== undefined) check(top.at('region'), () => gridIntensity({ region }));
  const data = parseData(raw['data'], top.at('data'), baseDir);
  const models = parseModels(raw['models'], top.at('models'), baseDir);

  const stepsRaw = raw['steps'];
  if (!Array.isArray(stepsRaw) || stepsRaw.length === 0) throw top.at('steps').error(`expected a non-empty list of steps, got ${describe(stepsRaw)}`);
  const known = new Set(Object.keys(models));
  const names: NameTable = {
    model: (ref, place) => modelRef(ref, place, known),
    define: (output, place) => {
      if (!NAME.test(output)) throw place.error(`model name '${output}' must be letters, digits, '.', '_' or '-' (it names a file)`);
      if (known.has(output)) throw place.error(`model name '${output}' is already used`);
      known.add(output);
    },
    models: (list, place) => modelList(list, place, known),
  };
  const steps = stepsRaw.map((s, i) => parseStep(s, top.at('steps').at(i), names));
  return { source, name, data, seed, ...(threads ? { threads } : {}), ...(region ? { region } : {}), models, steps };
}

function parseData(value: unknown, place: Place, baseDir: string): Recipe['data'] {
  if (value === undefined || value === 'mnist') return 'mnist';
  if (typeof value === 'string') throw place.error(`expected 'mnist' or { train: FILE.npz, test: FILE.npz }, got ${describe(value)}`);
  const raw = object(value, place);
  onlyKeys(raw, ['train', 'test'], place);
  const file = (key: string) => inputFile(string(raw, key, place), place.at(key), baseDir, '.npz');
  return { train: file('train'), test: file('test') };
}

function parseModels(value: unknown, place: Place, baseDir: string): Record<string, string> {
  if (value === undefined) return {};
  const raw = object(value, place);
  const out: Record<string, string> = {};
  for (const [name, path] of Object.entries(raw)) {
    if (!NAME.test(name)) throw place.at(name).error(`model name '${name}' must be letters, digits, '.', '_' or '-'`);
    if (typeof path !== 'string') throw place.at(name).error(`expected a path to an .onnx file, got ${describe(path)}`);
    out[name] = inputFile(path, place.at(name), baseDir, '.onnx');
  }
  return out;
}

function inputFile(path: string, place: Place, baseDir: string, ext: string): string {
  const full = resolve(baseDir, path);
  if (!existsSync(full)) throw place.error(`${path}: no such file`);
  if (!statSync(full).isFile()) throw place.error(`${path}: not a file`);
  if (!full.endsWith(ext)) throw place.error(`${path}: expected a ${ext} file`);
  return full;
}

function modelRef(value: unknown, place: Place, known: ReadonlySet<string>): ModelRef {
  if (typeof value !== 'string' || value === '') throw place.error(`expected a model: zoo:NAME or the name of an earlier model, got ${describe(value)}`);
  if (value.startsWith('zoo:')) {
    const zoo = value.slice(4);
    if (!isZooName(zoo)) throw place.error(`unknown zoo model '${zoo}' (zoo: ${ZOO_NAMES.join(', ')})`);
    return { kind: 'zoo', zoo };
  }
  if (!known.has(value)) {
    const names = [...known];
    throw place.error(`no model named '${value}' before this step (${names.length ? `models so far: ${names.join(', ')}` : 'none yet'}; or use zoo:NAME)`);
  }
  return { kind: 'named', name: value };
}

/** `all` (every model so far), one name, or a list of names. */
function modelList(value: unknown, place: Place, known: ReadonlySet<string>): string[] {
  if (value === 'all' || value === null || value === undefined) {
    if (known.size === 0) throw place.error('no models to use yet');
    return [...known];
  }
  const list = Array.isArray(value) ? value : [value];
  return list.map((v, i) => {
    const ref = modelRef(v, Array.isArray(value) ? place.at(i) : place, known);
    if (ref.kind !== 'named') throw place.error('expected names of models made or declared earlier, not zoo models');
    return ref.name;
  });
}
