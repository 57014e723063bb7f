/**
 * The questions init asks at a terminal, for exactly the answers no flag gave.
 * This module is the only one that imports inquirer, and index.ts imports this
 * module only when it is going to ask, so `--yes`, `--json` and CI runs never
 * load it.
 */
import { ExitCode, H2SetupError, parsePort } from '../common/index.js';
import { asPromptValidator, checkTarget, DEFAULTS, packageNameFor, type Transport } from './options.js';
import type { TemplateInfo } from './templates.js';

export interface Answers {
  dir: string;
  template: string;
  transport: Transport;
  /** Sign with the local development CA (TLS only). */
  ca: boolean;
  port: number;
  install: boolean;
  verify: boolean;
}

/** Ctrl-C (or a closed terminal) makes every @inquirer prompt reject with one of
 *  these; matched by name because they come from a transitive dependency. */
function isCancel(error: unknown): boolean {
  return error instanceof Error && ['ExitPromptError', 'AbortPromptError', 'CancelPromptError'].includes(error.name);
}

export async function askMissing(given: Partial<Answers>, templates: readonly TemplateInfo[], force: boolean): Promise<Answers> {
  const { default: inquirer } = await import('inquirer');
  // Built one question at a time so each list holds only what is still unknown.
  const questions: Array<Record<string, unknown> & { name: string; message: string }> = [];
  if (given.dir === undefined) {
    questions.push({
      type: 'input',
      name: 'dir',
      message: 'Project directory',
      default: DEFAULTS.dir,
      // The same checks as for the DIR argument, so a bad answer is asked again
      // instead of ending the run after the other questions.
      validate: asPromptValidator((value: string) => {
        packageNameFor(value.trim());
        checkTarget(value.trim(), force);
      }),
      filter: (value: string) => value.trim(),
    });
  }
  if (given.template === undefined) {
    questions.push({
      type: 'select',
      name: 'template',
      message: 'Template',
      default: DEFAULTS.template,
      choices: templates.map((template) => ({ name: template.name, value: template.name, description: template.description })),
    });
  }
  if (given.transport === undefined) {
    questions.push({
      type: 'select',
      name: 'transport',
      message: 'Transport',
      default: DEFAULTS.transport,
      choices: [
        { name: 'h2c', value: 'h2c', description: 'plaintext HTTP/2 with http2.createServer(), as the tutorial (protocol h2c)' },
        { name: 'tls', value: 'tls', description: 'HTTP/2 over TLS with http2.createSecureServer() and the generated certificate (ALPN h2)' },
      ],
    });
  }
  if (given.ca === undefined && given.transport !== 'h2c') {
    questions.push({
      type: 'confirm',
      name: 'ca',
      message: 'Sign the certificate with your local development CA (so browsers trust it after h2-setup certs --install-ca)?',
      default: DEFAULTS.ca,
      // Only for TLS: a plaintext server never presents its certificate.
      when: (answers: Record<string, unknown>) => (given.transport ?? answers.transport) === 'tls',
    });
  }
  if (given.port === undefined) {
    questions.push({
      type: 'input',
      name: 'port',
      message: 'Default port (the program reads PORT first)',
      default: String(DEFAULTS.port),
      validate: asPromptValidator((value: string) => parsePort(value, 'port')),
      filter: (value: string) => value.trim(),
    });
  }
  if (given.install === undefined) {
    questions.push({ type: 'confirm', name: 'install', message: 'Install dependencies now (npm install)?', default: DEFAULTS.install });
  }
  if (given.verify === undefined) {
    questions.push({ type: 'confirm', name: 'verify', message: "Verify now that the session's 'close' event fires?", default: DEFAULTS.verify });
  }

  let answers: Record<string, unknown>;
  try {
    answers = await inquirer.prompt<Record<string, unknown>>(questions);
  } catch (error) {
    if (isCancel(error)) throw new H2SetupError('cancelled', { exitCode: ExitCode.cancelled });
    throw error;
  }
  return {
    dir: given.dir ?? String(answers.dir),
    template: given.template ?? String(answers.template),
    transport: given.transport ?? (answers.transport as Transport),
    ca: given.ca ?? answers.ca === true,
    port: given.port ?? parsePort(String(answers.port)),
    install: given.install ?? Boolean(answers.install),
    verify: given.verify ?? Boolean(answers.verify),
  };
}
