/**
 * The one error type the CLI knows how to print. Every command throws a
 * CliError for anything the user can act on; cli.ts prints
 * `h2-setup: <message>` (plus `hint` on a second line) and exits with `exitCode`.
 * Anything else is a bug and is printed the same way, with a stack only when
 * DEBUG is set.
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  cancelled: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;

  constructor(message: string, options: { exitCode?: ExitCode; hint?: string } = {}) {
    super(message);
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? ExitCode.usage;
    this.hint = options.hint;
  }
}

/** Bad input: exit 2, nothing has been written. */
export function usageError(message: string, hint?: string): CliError {
  return new CliError(message, { exitCode: ExitCode.usage, hint });
}
