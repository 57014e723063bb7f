/**
 * `h2-setup verify …` and `h2-setup certs …` without commander. Both are benchmarked
 * against a reference started side by side (bench/verify.mjs: a bare `node` running the
 * program; bench/certs.mjs: `openssl req`), and loading commander with the whole command
 * table is about 10 ms of that; for certs it also delays the start of the RSA key
 * generation. The launcher sends these two commands here; util.parseArgs reads them
 * with the very flag tables commander uses (certs/command.ts, verify/command.ts).
 * Anything this does not understand — --help, --check, --install-ca, an unknown flag, a
 * missing value, an extra argument — goes to the full CLI, so every usage message is
 * still commander's.
 */
import { parseArgs } from 'node:util';
import { CERTS_FLAGS, type CertsCommandFlags, runCertsCommand } from './certs/command.js';
import type { ExitCode } from './errors.js';
import { reportError } from './report-error.js';
import { runVerifyCommand, VERIFY_DIR_DEFAULT, VERIFY_FLAGS, type VerifyCommandFlags } from './verify/command.js';

interface FlagSpec {
  name: string;
  long?: string;
  default?: string;
  takesValue: boolean;
  multiple?: boolean;
}

/** Parses `args` against a flag table; undefined when the full CLI should handle them. */
function parseWith(args: string[], table: readonly FlagSpec[], maxPositionals: number): { values: Record<string, unknown>; positionals: string[] } | undefined {
  if (args.some((arg) => arg === '--help' || arg === '-h')) return undefined;
  try {
    const { values, positionals } = parseArgs({
      args,
      strict: true,
      allowPositionals: maxPositionals > 0,
      options: Object.fromEntries(
        table.map((flag) => [flag.long ?? flag.name, { type: flag.takesValue ? 'string' : 'boolean', ...(flag.multiple ? { multiple: true } : {}) }]),
      ) as Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>,
    });
    if (positionals.length > maxPositionals) return undefined;
    const named: Record<string, unknown> = {};
    for (const flag of table) {
      const value = values[flag.long ?? flag.name] ?? flag.default;
      if (value !== undefined) named[flag.name] = value;
    }
    return { values: named, positionals };
  } catch {
    return undefined;
  }
}

async function run(): Promise<ExitCode | undefined> {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'verify') {
    const parsed = parseWith(args, VERIFY_FLAGS, 1);
    return parsed && runVerifyCommand(parsed.positionals[0] ?? VERIFY_DIR_DEFAULT, parsed.values as VerifyCommandFlags);
  }
  if (command === 'certs') {
    const parsed = parseWith(args, CERTS_FLAGS, 0);
    return parsed && runCertsCommand(parsed.values as CertsCommandFlags);
  }
  return undefined;
}

try {
  const exitCode = await run();
  if (exitCode === undefined) await import('./cli.js');
  else process.exitCode = exitCode;
} catch (error) {
  process.exitCode = reportError(error);
}
