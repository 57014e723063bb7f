/**
 * Colour for the words people look for (PASS/FAIL, problems, fixes), as create-vite does:
 * only when the stream is a terminal, never with NO_COLOR (https://no-color.org: any
 * non-empty value) or TERM=dumb, so pipes, files, CI logs and --json stay plain text.
 * util.styleText decides by itself only on newer Node (its `validateStream` option came
 * after 20.17, the oldest Node we support), so the decision is made here and styleText is
 * told not to make it again; older versions ignore that option and always style.
 */
import { styleText } from 'node:util';

export type Style = Parameters<typeof styleText>[0];

/** Whether text written to `stream` may carry colour. */
export function colourFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

/** `text` in `style` when stdout takes colour (or when `enabled` says so), else as it is. */
export function paint(style: Style, text: string, enabled = colourFor(process.stdout)): string {
  return enabled ? styleText(style, text, { validateStream: false }) : text;
}
