/**
 * The verify command's flags and what it does with them, shared by the commander program
 * (src/program.ts) and the launcher's fast path (src/verify/fast-cli.ts), so the two can
 * never disagree on a flag, a default or the output.
 */
import { ExitCode } from '../errors.js';
import { printJson } from '../print-json.js';

export interface VerifyFlag {
  name: 'entry' | 'timeout' | 'port' | 'json';
  /** commander's flag syntax */
  flags: string;
  description: string;
  default?: string;
  takesValue: boolean;
}

export const VERIFY_DIR_DEFAULT = '.';

export const VERIFY_FLAGS: readonly VerifyFlag[] = [
  { name: 'entry', flags: '--entry <file>', description: 'entry file, relative to DIR', default: 'index.ts', takesValue: true },
  { name: 'timeout', flags: '--timeout <ms>', description: 'stop the program (and everything it started) after this long', default: '10000', takesValue: true },
  { name: 'port', flags: '--port <n>', description: 'port to give the program through PORT (default: a free one)', takesValue: true },
  { name: 'json', flags: '--json', description: 'print the timeline and verdict as one JSON document', takesValue: false },
];

export interface VerifyCommandFlags {
  entry?: string;
  timeout?: string;
  port?: string;
  json?: boolean;
}

/** Runs verify and prints its result; returns the exit code. Errors propagate to the caller. */
export async function runVerifyCommand(dir: string, flags: VerifyCommandFlags): Promise<ExitCode> {
  const { verifyProject } = await import('./index.js');
  const result = await verifyProject({ dir, entry: flags.entry, timeoutMs: flags.timeout, port: flags.port });
  if (flags.json) {
    printJson(result);
  } else {
    const { formatVerifyReport } = await import('./report.js');
    process.stdout.write(formatVerifyReport(result));
  }
  return result.passed ? ExitCode.ok : ExitCode.failed;
}
