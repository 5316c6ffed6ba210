/**
 * The `whittle` command line: dispatches to one file per command. Errors caused by the input
 * print one line and exit 2 (stack only with --verbose); anything else is a whittle bug: exit 1.
 */
import { WhittleError } from '../errors.js';
import { benchCommand } from './bench.js';
import { demoCommand } from './demo.js';
import { distillCommand } from './distill.js';
import type { Command, Io } from './command.js';
import { evalCommand } from './eval.js';
import { inspectCommand } from './inspect.js';
import { optimizeCommand } from './optimize.js';
import { pruneCommand } from './prune.js';
import { quantizeCommand } from './quantize.js';
import { trainCommand } from './train.js';
import { tuneCommand } from './tune.js';

const COMMANDS: readonly Command[] = [inspectCommand, benchCommand, trainCommand, evalCommand, quantizeCommand, pruneCommand, distillCommand, tuneCommand, optimizeCommand, demoCommand];

const VERSION = '0.1.0';

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'whittle: make neural networks lean (ONNX models, ONNX Runtime)',
    '',
    'usage: whittle <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "run 'whittle <command> --help' for a command's options; docs/cli.md has them all.",
  ].join('\n');
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const verbose = argv.includes('--verbose');
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(VERSION);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`whittle: unknown command '${name}' (commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help);
    return 0;
  }
  try {
    await command.run(rest, io);
    return 0;
  } catch (e) {
    if (e instanceof WhittleError && e.userError) {
      io.err(`whittle ${name}: ${e.message}`);
      if (verbose) io.err(String(e.stack) + (e.cause ? `\ncaused by: ${(e.cause as Error).stack ?? String(e.cause)}` : ''));
      return 2;
    }
    io.err(`whittle ${name}: internal error: ${(e as Error)?.message ?? String(e)}`);
    io.err(verbose ? String((e as Error)?.stack) : 'this is a bug in whittle; run again with --verbose for the stack trace and report it');
    return 1;
  }
}
