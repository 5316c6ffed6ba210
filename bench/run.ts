/**
 * `npm run bench`: runs every benchmark in bench/ (each prints one JSON document) and prints
 * their results as one JSON array. Record the figures in docs/benchmarks.md with the date.
 *
 *   npm run bench                    # all
 *   npm run bench -- model-io        # one, by name
 *   npm run bench -- model-io --params 570000000   # flags after the name go to the benchmark
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCHES = ['model-io', 'train', 'optim', 'quantize', 'quantize-matmul', 'prune', 'tune-asha', 'tune', 'distill'] as const;

const here = dirname(fileURLToPath(import.meta.url));
const [only, ...rest] = process.argv.slice(2);
const selected = only ? BENCHES.filter((b) => b === only) : [...BENCHES];
if (only && selected.length === 0) {
  console.error(`unknown benchmark '${only}' (benchmarks: ${BENCHES.join(', ')})`);
  process.exit(2);
}
const results: unknown[] = [];
for (const name of selected) {
  console.error(`running ${name}...`);
  const r = spawnSync(process.execPath, [join(here, `${name}.js`), ...rest], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) {
    console.error(`${name} failed with exit code ${r.status}`);
    process.exitCode = 1;
    continue;
  }
  results.push(JSON.parse(r.stdout));
}
console.log(JSON.stringify(results, null, 2));
