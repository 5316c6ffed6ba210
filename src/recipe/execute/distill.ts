/** The `distill` step: train a student from a teacher's softened logits (distill/). */
import { distill } from '../../distill/index.js';
import type { RunContext } from '../context.js';
import type { StepRecord } from '../records.js';
import type { RecipeStep } from '../types.js';
import { epochFigures, fitOptions, refLabel } from './train.js';

type DistillStep = Extract<RecipeStep, { kind: 'distill' }>;

/** Distills the teacher into the student and saves it, with both models' sizes and the teacher's accuracy. */
export async function runDistill(step: DistillStep, ctx: RunContext): Promise<Omit<StepRecord, 'seconds' | 'energy'>> {
  const teacher = await ctx.model(step.teacher);
  const student = await ctx.model(step.student);
  const { loss: _loss, ...training } = fitOptions(step.training, ctx, 'distill');
  const result = await distill(teacher, student, ctx.data.train, {
    ...training,
    temperature: step.temperature,
    alpha: step.alpha,
    names: { teacher: refLabel(step.teacher), student: refLabel(step.student) },
  });
  const saved = await ctx.save(step.output, result.model);
  return {
    kind: 'distill',
    description: `distilled ${refLabel(step.teacher)} into ${refLabel(step.student)} (T ${step.temperature}, alpha ${step.alpha}, ${step.training.epochs} epoch${step.training.epochs === 1 ? '' : 's'}; ${result.compression.toFixed(1)}x fewer parameters)`,
    artifact: { name: step.output, ...saved, ...(step.teacher.kind === 'named' ? { parent: step.teacher.name } : {}) },
    history: epochFigures(result.history),
    extra: {
      teacherParams: result.teacher.params,
      studentParams: result.student.params,
      compression: result.compression,
      teacherAccuracy: result.teacher.validation?.accuracy ?? null,
      teacherSeconds: result.teacher.seconds,
    },
  };
}
