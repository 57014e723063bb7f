/**
 * The templates are real files under `templates/` in the installed package, so
 * they can be read, type-checked and run as they are:
 *
 *   templates/_project/            files every project gets (package.json, tsconfig.json,
 *                                  gitignore, README.md and the README's transport notes:
 *                                  README.h2c.md, README.tls.md, README.tls-ca.md), and
 *                                  serve.ts, the browser demo TLS projects get
 *   templates/<name>/template.json { "description": one line shown at the prompt }
 *   templates/<name>/<transport>/  index.ts and expected-output.txt (for the README);
 *                                  expected-output.node24.txt where Node 24+ prints
 *                                  the lines in another order
 *   templates/<name>/mtls/         the tls program with mutual TLS (init --mtls), and
 *                                  README.mtls.md in _project its transport notes
 *
 * A directory is a template when it has a template.json; `_project` has none.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CA_CERT_BESIDE_PAIR, DEFAULT_CERT_FILE } from '../certs/profile/index.js';
import { selfCommand, userAtHost } from '../system/index.js';
import type { Transport } from './options.js';

/** Found from this module's own URL (dist/init/templates.js -> ../../templates),
 *  never from the cwd, so an installed h2-setup works from any directory. */
export const templatesRoot = fileURLToPath(new URL('../../templates/', import.meta.url));

const PROJECT_DIR = '_project';

export interface TemplateInfo {
  name: string;
  description: string;
}

export function listTemplates(root = templatesRoot): TemplateInfo[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'template.json')))
    .map((entry) => {
      const meta = JSON.parse(readFileSync(join(root, entry.name, 'template.json'), 'utf8')) as { description?: unknown };
      return { name: entry.name, description: typeof meta.description === 'string' ? meta.description : '' };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface RenderInput {
  template: string;
  transport: Transport;
  port: number;
  name: string;
  /** TLS only: the certificate is signed by the local development CA, and the
   *  client trusts ca-cert.pem instead of the certificate itself. */
  ca?: boolean;
  /** TLS with a CA only: mutual TLS, the server requires a client certificate
   *  signed by the CA and the client presents client-cert.pem (the mtls program). */
  mtls?: boolean;
  /** How the README tells the user to run h2-setup (default: selfCommand()); .gitignore, which is shared, names the installed `h2-setup`. */
  h2setup?: string;
}

export interface RenderedFile {
  /** Path relative to the project directory. */
  name: string;
  contents: string;
  mode: number;
}

function read(...parts: string[]): string {
  return readFileSync(join(templatesRoot, ...parts), 'utf8');
}

/** `{{key}}` placeholders, used only in the README: the .ts and .json templates stay
 *  valid files, and are changed through their own syntax instead. */
function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (match, key: string) => values[key] ?? match);
}

/**
 * init changes a template's program only through whole `const NAME = <literal>;`
 * lines, so the template stays a program that compiles and runs unrendered, and a
 * template that lost its line fails loudly instead of being written unchanged.
 */
function setConstant(source: string, name: string, literal: string, value: string): string {
  const pattern = new RegExp(`^const ${name} = ${literal};$`, 'm');
  if (!pattern.test(source)) throw new Error(`template index.ts has no \`const ${name} = ...;\` line`);
  return source.replace(pattern, () => `const ${name} = ${value};`);
}

/** The default port: `const DEFAULT_PORT = 8000;`. */
export function setDefaultPort(source: string, port: number): string {
  return setConstant(source, 'DEFAULT_PORT', String.raw`\d+`, String(port));
}

/** The certificate a TLS client trusts: `const TRUSTED_CERT_FILE = 'public-cert.pem';`. */
export function setTrustedCertFile(source: string, file: string): string {
  if (!/^[\w.-]+$/.test(file)) throw new Error(`${JSON.stringify(file)} is not a plain file name`);
  return setConstant(source, 'TRUSTED_CERT_FILE', `'[^'\\n]*'`, `'${file}'`);
}

/** The README's paragraph on Node 24 and later: since Node 24, `server.close()` also
 *  closes the server's open sessions, which changes the order of the last lines for
 *  some templates (those with an expected-output.node24.txt). */
function newerNodeOutput(template: string, variant: string): string {
  const file = join(templatesRoot, template, variant, 'expected-output.node24.txt');
  if (!existsSync(file)) return 'Node 24 and later print the same lines in the same order (checked on Node 26.10).';
  return [
    'On Node 24 and later (checked on Node 26.10) the order differs. Since Node 24, `server.close()` also closes',
    "the server's open sessions (nodejs/node#57586), not only its listening socket, and over plaintext the client",
    'session then closes first: `client destroyed` comes before `server destroyed` and `session is closed`.',
    '',
    '```',
    readFileSync(file, 'utf8').trimEnd(),
    '```',
  ].join('\n');
}

/** Every file of the project, in memory: nothing is written here. */
export function renderProject(input: RenderInput): RenderedFile[] {
  const info = listTemplates().find((template) => template.name === input.template);
  if (!info) throw new Error(`template ${input.template} not found under ${templatesRoot}`);

  const packageJson = JSON.parse(read(PROJECT_DIR, 'package.json')) as Record<string, unknown>;
  packageJson.name = input.name;

  if (input.ca && input.transport !== 'tls') throw new Error('a CA-signed certificate is only used with the tls transport');
  const ca = input.transport === 'tls' && Boolean(input.ca);
  if (input.mtls && !ca) throw new Error('mutual TLS needs the tls transport and the local CA');
  const mtls = ca && Boolean(input.mtls);
  // The program's directory under the template: its transport's, or mtls for mutual TLS.
  const variant = mtls ? 'mtls' : input.transport;

  const tls = input.transport === 'tls';
  // Every command written for the user runs this h2-setup, never `npx h2-setup` (see self-command.ts).
  const h2setup = input.h2setup ?? selfCommand();
  if (tls) {
    const scripts = packageJson.scripts as Record<string, string>;
    scripts.serve = 'tsx serve.ts';
    // The pair is kept fresh for the user: npm runs prestart first (not preserve: the serve demo's stderr is its own log); `certs --renew` writes nothing while the pair is good and
    // remakes it when due, so a demo made today still starts next year. Its report goes to
    // stderr (1>&2 means that in sh and in cmd.exe alike): stdout is the tutorial's output.
    const renew = `${h2setup} certs --renew${ca ? ' --ca' : ''} 1>&2`;
    scripts.prestart = renew;
  }
  const values: Record<string, string> = {
    name: input.name,
    template: input.template,
    templateDescription: info.description,
    port: String(input.port),
    pemFiles: mtls
      ? '`private-key.pem`, `public-cert.pem`, `ca-cert.pem`, `client-key.pem` and `client-cert.pem`'
      : ca
        ? '`private-key.pem`, `public-cert.pem` and `ca-cert.pem`'
        : '`private-key.pem` and `public-cert.pem`',
    h2setup,
    certsCommand: `${h2setup} certs${ca ? ' --ca' : ''} --force${mtls ? `\n${h2setup} certs --client --force` : ''}`,
    // .gitignore is committed and shared: its commands name the installed h2-setup, never
    // this machine's path to it (the project has no h2-setup dependency for `npx` to find).
    gitignoreCommands: [`certs${ca ? ' --ca' : ''} --force`, ...(mtls ? ['certs --client --force'] : [])].map((args) => `#   h2-setup ${args}`).join('\n'),
    // The mtls program prints the client certificate's name, which is the user's and the machine's.
    expectedOutput: fill(read(input.template, variant, 'expected-output.txt').trimEnd(), { clientName: userAtHost() }),
    newerNodeOutput: newerNodeOutput(input.template, variant),
    serveNotes: tls ? read(PROJECT_DIR, 'README.serve.md').trimEnd() : '',
  };
  // The TLS notes hold {{serveNotes}}, so those are filled in first.
  values.serveNotes = fill(values.serveNotes ?? '', values);
  values.transportNotes = fill(read(PROJECT_DIR, `README.${mtls ? 'mtls' : `${input.transport}${ca ? '-ca' : ''}`}.md`).trimEnd(), values);
  const readme = fill(read(PROJECT_DIR, 'README.md'), values).replace(/\n{3,}/g, '\n\n');

  let index = setDefaultPort(read(input.template, variant, 'index.ts'), input.port);
  if (input.transport === 'tls') index = setTrustedCertFile(index, ca ? CA_CERT_BESIDE_PAIR : DEFAULT_CERT_FILE);

  return [
    { name: 'index.ts', contents: index, mode: 0o644 },
    ...(tls ? [{ name: 'serve.ts', contents: setDefaultPort(read(PROJECT_DIR, 'serve.ts'), input.port), mode: 0o644 }] : []),
    { name: 'package.json', contents: `${JSON.stringify(packageJson, null, 2)}\n`, mode: 0o644 },
    { name: 'tsconfig.json', contents: read(PROJECT_DIR, 'tsconfig.json'), mode: 0o644 },
    // npm leaves `.gitignore` out of a published package, so it is kept as
    // `gitignore` and renamed here.
    { name: '.gitignore', contents: fill(read(PROJECT_DIR, 'gitignore'), values), mode: 0o644 },
    { name: 'README.md', contents: readme, mode: 0o644 },
  ];
}
