/**
 * The teacher's side of distillation: run it once over the training data in ONNX Runtime and
 * cache its logits (and the intermediate values hints ask for) as extra dataset columns, so every
 * training step reads them instead of running the teacher again. Memory: N x C floats for the
 * logits plus N x (elements of one sample's feature) floats per hint.
 */
import type { ColumnSpec, Dataset } from '../data/dataset.js';
import { gatherRows } from '../data/dataset.js';
import { DataLoader } from '../data/loader.js';
import { UsageError } from '../errors.js';
import type { Model } from '../graph/ir.js';
import { Tensor } from '../onnx/tensor.js';
import { createSession } from '../runtime/session.js';
import { countCorrect } from '../train/metrics.js';

/** What {@link runTeacher} reads and caches. */
export interface TeacherRun {
  /** The teacher's logits output. */
  readonly output: string;
  /** Teacher values to cache, by the dataset column to store them in. */
  readonly features: ReadonlyMap<string, string>;
  /** Teacher input -> dataset column that feeds it. */
  readonly inputs: ReadonlyMap<string, string>;
  /** The labels column (int64) when there is one, for the teacher's training accuracy. */
  readonly labels?: string;
  readonly batchSize: number;
  readonly threads?: number;
  readonly signal?: AbortSignal;
}

/** The cached teacher outputs. */
export interface TeacherCache {
  readonly logits: Tensor<'float32'>;
  /** Column name -> [N, ...] float32 feature. */
  readonly features: ReadonlyMap<string, Tensor<'float32'>>;
  readonly trainAccuracy: number | null;
  readonly seconds: number;
  readonly bytes: number;
}

/** Teacher input -> dataset column: same names, or the one student input for a one-input teacher. */
export function teacherInputColumns(teacher: Model, studentInputs: readonly string[], data: Dataset, teacherName: string): Map<string, string> {
  const inputs = teacher.graph.inputs.filter((i) => !teacher.graph.initializers.has(i.name)).map((i) => i.name);
  const map = new Map<string, string>();
  for (const name of inputs) {
    if (data.columns[name]) map.set(name, name);
    else if (inputs.length === 1 && studentInputs.length === 1) map.set(name, studentInputs[0]!);
    else throw new UsageError(`the data has no array '${name}' for input '${name}' of the teacher ${teacherName} (arrays: ${Object.keys(data.columns).join(', ')})`);
  }
  return map;
}

/** Runs the teacher over every sample of `data` (in order, batch by batch) and caches its outputs. */
export async function runTeacher(teacher: Model, data: Dataset, run: TeacherRun): Promise<TeacherCache> {
  const t0 = performance.now();
  const fetch = [...new Set(run.features.values())];
  const session = await createSession(teacher, { ...(run.threads ? { threads: run.threads } : {}), fetch });
  const parts = new Map<string, Float32Array[]>([[run.output, []], ...fetch.map((f) => [f, []] as [string, Float32Array[]])]);
  const dims = new Map<string, number[]>();
  let correct = 0;
  try {
    const loader = new DataLoader(data, { batchSize: run.batchSize, shuffle: false });
    for (const batch of loader.epoch(0)) {
      run.signal?.throwIfAborted();
      const feeds: Record<string, Tensor> = {};
      for (const [input, column] of run.inputs) feeds[input] = batch[column]!;
      const out = await session.run(feeds, [...parts.keys()]);
      for (const [name, list] of parts) {
        const t = out[name]!;
        if (t.dtype !== 'float32') throw new UsageError(`teacher value '${name}' is ${t.dtype}; distillation reads float32 values`);
        list.push(t.data as Float32Array);
        dims.set(name, t.dims.slice(1));
      }
      const y = run.labels === undefined ? undefined : batch[run.labels];
      if (y?.dtype === 'int64') correct += countCorrect(out[run.output]!, y);
    }
  } finally {
    await session.release();
  }
  const join = (name: string): Tensor<'float32'> => {
    const list = parts.get(name)!;
    const all = new Float32Array(list.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of list) { all.set(p, at); at += p.length; }
    return new Tensor('float32', [data.size, ...dims.get(name)!], all);
  };
  const logits = join(run.output);
  const features = new Map([...run.features].map(([column, value]) => [column, join(value)]));
  const bytes = [logits, ...features.values()].reduce((a, t) => a + t.size * 4, 0);
  const labelled = run.labels !== undefined && data.columns[run.labels]?.dtype === 'int64';
  return { logits, features, trainAccuracy: labelled ? correct / data.size : null, seconds: (performance.now() - t0) / 1000, bytes };
}

/** `data` plus whole-dataset columns (rows in sample order), without copying `data`. */
export function withColumns(data: Dataset, extra: ReadonlyMap<string, Tensor>): Dataset {
  const columns: Record<string, ColumnSpec> = { ...data.columns };
  for (const [name, t] of extra) {
    if (t.dims[0] !== data.size) throw new UsageError(`column '${name}' has ${t.dims[0]} rows, the data ${data.size}`);
    columns[name] = { dtype: t.dtype, shape: t.dims.slice(1) };
  }
  return {
    size: data.size,
    columns,
    batch(indices) {
      const out = data.batch(indices);
      for (const [name, t] of extra) out[name] = gatherRows(t, indices);
      return out;
    },
  };
}

/** `data` where each teacher input also reads under its own name the column that feeds it (for evaluating the teacher). */
export function withTeacherInputs(data: Dataset, inputs: ReadonlyMap<string, string>): Dataset {
  const alias = [...inputs].filter(([input, column]) => input !== column);
  if (alias.length === 0) return data;
  const columns: Record<string, ColumnSpec> = { ...data.columns };
  for (const [input, column] of alias) columns[input] = data.columns[column]!;
  return {
    size: data.size,
    columns,
    batch(indices) {
      const out = data.batch(indices);
      for (const [input, column] of alias) out[input] = out[column]!;
      return out;
    },
  };
}

/** The arg-max class of every row of `logits` [N, C], as int64 labels (for unlabelled data at alpha = 1). */
export function argmaxLabels(logits: Tensor<'float32'>): Tensor {
  const [n, c] = logits.dims as [number, number];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (logits.data[i * c + j]! > logits.data[i * c + best]!) best = j;
    out.push(best);
  }
  return Tensor.int64(out, [n]);
}
