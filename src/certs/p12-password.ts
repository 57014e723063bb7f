/**
 * The --p12 password at a terminal: asked twice, hidden, never echoed or logged. Without a
 * terminal on both ends there is nobody to ask, and there is no default password.
 */
import { ExitCode, H2SetupError, usageError } from '../common/index.js';
import { P12_NEEDS_PASSWORD } from './generate.js';

/** Ctrl-C (or a closed terminal) makes an @inquirer prompt reject with one of these. */
function isCancel(error: unknown): boolean {
  return error instanceof Error && ['ExitPromptError', 'AbortPromptError', 'CancelPromptError'].includes(error.name);
}

export async function askP12PasswordAtTerminal(): Promise<string> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) throw usageError(P12_NEEDS_PASSWORD);
  const { createPromptModule } = await import('inquirer');
  // On stderr, so `--json` keeps stdout for the one JSON document.
  const prompt = createPromptModule({ output: process.stderr });
  const ask = async (message: string): Promise<string> => {
    try {
      const answers = await prompt<{ password: string }>([{ type: 'password', name: 'password', message, mask: '*' }]);
      return answers.password;
    } catch (error) {
      if (isCancel(error)) throw new H2SetupError('cancelled: no PKCS#12 bundle and nothing else was written', { exitCode: ExitCode.cancelled });
      throw error;
    }
  };
  const first = await ask('Password for bundle.p12');
  if (first === '') throw usageError('the --p12 password is empty; expected a password (there is no default)');
  const second = await ask('The same password again');
  if (first !== second) throw usageError('the two --p12 passwords differ; expected the same password twice');
  return first;
}
