/**
 * `h2-setup verify`: its flag table (defaults from options.ts, declared once) and the step
 * from flags to options to verifyProject to text, JSON and an exit code. The runner,
 * esbuild and the probe load only when the action runs.
 */
import { type Command, Option } from '../commander.js';
import { ExitCode, printResult } from '../common/index.js';
import { DEFAULT_DIR, DEFAULT_ENTRY, DEFAULT_TIMEOUT_MS, ENTRY_EXTENSIONS, MAX_TIMEOUT_MS } from './options.js';

export interface VerifyFlags {
  entry: string;
  timeout: string | number;
  port?: string;
  json?: boolean;
}

/** Adds verify's argument, flags and action to the command cli.ts made (its name and description are listed there). */
export function defineVerifyCommand(command: Command): Command {
  return command
    .argument('[dir]', 'project directory', DEFAULT_DIR)
    .addOption(new Option('--entry <file>', `entry file, relative to DIR (${ENTRY_EXTENSIONS.join(', ')})`).default(DEFAULT_ENTRY))
    .addOption(new Option('--timeout <ms>', `stop the program (and everything it started) after this long, 1-${MAX_TIMEOUT_MS}`).default(DEFAULT_TIMEOUT_MS))
    .addOption(new Option('--port <n>', 'port to give the program through PORT (default: a free one)'))
    .addOption(new Option('--json', 'print the timeline and verdict as one JSON document'))
    .addHelpText(
      'after',
      `
Examples:
  h2-setup verify my-demo
  h2-setup verify . --entry server.ts --timeout 5000 --json`,
    )
    .action(async (dir: string, flags: VerifyFlags) => {
      process.exitCode = await runVerify(dir, flags);
    });
}

async function runVerify(dir: string, flags: VerifyFlags): Promise<ExitCode> {
  const { verifyProject } = await import('./index.js');
  const result = await verifyProject({ dir, entry: flags.entry, timeoutMs: flags.timeout, port: flags.port });
  const { formatVerifyReport } = await import('./report.js');
  printResult(result, flags.json, formatVerifyReport);
  return result.passed ? ExitCode.ok : ExitCode.failed;
}
