/** Knowledge distillation: a teacher's softened outputs (and features) train a smaller student. */
export { distill, TEACHER_LOGITS } from './distill.js';
export { DISTILL_DEFAULTS, type DistillHint, type DistillOptions, type DistillResult } from './types.js';
