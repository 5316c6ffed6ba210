// The shared sampler conformance suite run on the random and grid samplers.
import { GridSampler } from '../../../src/tune/samplers/grid.js';
import { RandomSampler } from '../../../src/tune/samplers/random.js';
import { conformanceGrid, samplerConformance } from '../sampler-conformance.js';

samplerConformance('random', (seed) => new RandomSampler({ seed }), { multiObjective: true });
samplerConformance('grid', (seed, names) => new GridSampler({ space: conformanceGrid(names), seed }), { multiObjective: true });
