/** Recipes: declared step sequences run into one folder, resumable; the demo is one of them. */
export type { ModelRef, Recipe, RecipeStep, StepKind, TrainingSettings } from './types.js';
export { loadRecipe, parseRecipe } from './parse.js';
export { RecipeError } from './fields.js';
export { STEP_KINDS } from './steps.js';
export { runRecipe, stepLabel, type RecipeRun, type RunRecipeOptions } from './run.js';
export type { EnergyProbe, RunEvent } from './context.js';
export type { EpochFigures, LayerFigures, ModelFigures, StepEnergy, StepRecord } from './records.js';
export { recipeReport, type RecipeReportOptions } from './report.js';
export { demoRecipe, demoRecipeObject, type DemoBudget } from './demo.js';
