/** `--json` output for every command: one indented document on stdout, nothing else there. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A command's result on stdout: its --json document, or its text. */
export function printResult<T>(result: T, json: boolean | undefined, toText: (result: T) => string): void {
  if (json) printJson(result);
  else process.stdout.write(toText(result));
}
