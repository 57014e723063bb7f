/**
 * The one error type the CLI knows how to print. Every command throws a
 * H2SetupError for anything the user can act on; cli.ts prints
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

/** The stable name of an error in --json output (`error.code`) when nothing more precise is given. */
export const ERROR_CODE_FOR_EXIT: Record<ExitCode, string> = { 0: 'ok', 1: 'failed', 2: 'usage', 130: 'cancelled' };

export class H2SetupError extends Error {
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  /** A stable name for --json output (`error.code`); by default from the exit code. */
  readonly code: string;

  constructor(message: string, options: { exitCode?: ExitCode; hint?: string; code?: string } = {}) {
    super(message);
    this.name = 'H2SetupError';
    this.exitCode = options.exitCode ?? ExitCode.usage;
    this.hint = options.hint;
    this.code = options.code ?? ERROR_CODE_FOR_EXIT[this.exitCode];
  }
}

/** Bad input: exit 2, nothing has been written. */
export function usageError(message: string, hint?: string): H2SetupError {
  return new H2SetupError(message, { exitCode: ExitCode.usage, hint });
}
