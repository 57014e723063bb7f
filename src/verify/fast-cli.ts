/**
 * `h2-setup verify …` without commander. verify is benchmarked against a bare `node`
 * running the same program (bench/verify.mjs, goal: at most twice as long), and loading
 * commander and the whole command table is about 10 ms of that. The launcher sends a
 * verify invocation here; util.parseArgs reads it with the very flag table commander
 * uses (./command.ts). Anything this does not understand — --help, an unknown flag, a
 * missing value, a second directory — goes to the full CLI, so every error message
 * is still commander's.
 */
import { parseArgs } from 'node:util';
import { reportError } from '../report-error.js';
import { runVerifyCommand, VERIFY_DIR_DEFAULT, VERIFY_FLAGS, type VerifyCommandFlags } from './command.js';

function parseVerifyArgs(args: string[]): { dir: string; flags: VerifyCommandFlags } | undefined {
  if (args.some((arg) => arg === '--help' || arg === '-h')) return undefined;
  try {
    const { values, positionals } = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: Object.fromEntries(VERIFY_FLAGS.map((flag) => [flag.name, { type: flag.takesValue ? 'string' : 'boolean' }])) as Record<
        string,
        { type: 'string' | 'boolean' }
      >,
    });
    if (positionals.length > 1) return undefined;
    const defaults = Object.fromEntries(VERIFY_FLAGS.filter((flag) => flag.default !== undefined).map((flag) => [flag.name, flag.default]));
    return { dir: positionals[0] ?? VERIFY_DIR_DEFAULT, flags: { ...defaults, ...values } as VerifyCommandFlags };
  } catch {
    return undefined;
  }
}

const parsed = parseVerifyArgs(process.argv.slice(3));
if (parsed) {
  try {
    process.exitCode = await runVerifyCommand(parsed.dir, parsed.flags);
  } catch (error) {
    process.exitCode = reportError(error);
  }
} else {
  await import('../cli.js');
}
