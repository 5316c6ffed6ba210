/**
 * Entry point of a `whittle tune --workers N` child process: `node worker-main.js CONFIG_JSON`.
 * Runs {@link runWorker} and exits 0 when the budget is reached, 2 on a user error (one line on
 * stderr), 1 on anything else. SIGTERM / SIGINT abort the running trial and stop the worker.
 */
import { WhittleError } from '../../errors.js';
import { parseWorkerConfig, runWorker } from './worker.js';

const controller = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => controller.abort(new Error(`worker got ${signal}`)));

try {
  await runWorker(parseWorkerConfig(process.argv[2]), { signal: controller.signal });
  process.exitCode = 0;
} catch (e) {
  const user = e instanceof WhittleError && e.userError;
  process.stderr.write(`${(e as Error)?.message ?? String(e)}\n`);
  if (!user) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
  process.exitCode = user ? 2 : 1;
}
