/**
 * `h2-setup init`: ask (or take from flags) where and what to scaffold, check
 * everything, then write the project, make its certificates, optionally install
 * its dependencies, and verify it. The order is the contract: every question and
 * every refusal comes before the first byte is written, so a usage error or a
 * Ctrl-C leaves the file system as it was.
 */
import { caRootDirectory } from '../certs/ca/index.js';
import { type CertificateSummary, generateCertificates, planGeneration } from '../certs/index.js';
import { parsePort, shellQuote, usageError } from '../common/index.js';
import { checkDirectoryPath } from '../system/index.js';
import type { VerifyResult } from '../verify/index.js';
import { type InstallResult, runNpmInstall } from './install.js';
import { checkTarget, DEFAULTS, packageNameFor, parseTemplate, parseTransport, type Transport } from './options.js';
import type { Answers } from './prompts.js';
import { listTemplates, renderProject } from './templates.js';
import { checkProjectFiles, writeProject } from './write.js';

export type { Transport } from './options.js';

export interface InitOptions {
  dir?: string;
  template?: string;
  transport?: Transport;
  /** Sign the certificate with the local development CA (TLS only; implies
   *  transport 'tls' when no transport is given). undefined: ask at a terminal
   *  when the transport is TLS (default no). */
  ca?: boolean;
  /** Mutual TLS: the server requires a client certificate signed by the local CA and
   *  the client presents one, which init makes too (implies ca and transport 'tls'). */
  mtls?: boolean;
  port?: string | number;
  yes?: boolean;
  force?: boolean;
  /** undefined: ask at a terminal (default no). */
  install?: boolean;
  /** undefined: ask at a terminal (default yes). */
  verify?: boolean;
  /** Ask for what the options leave open (the command does when a person is at a
   *  terminal); otherwise the defaults answer, and init never prompts. */
  interactive?: boolean;
  /** Told what slow step starts next (the command prints it on a terminal); init itself never prints. */
  onProgress?: (message: string) => void;
}

export interface InitVerdict {
  passed: boolean;
  reason: string | null;
  /** verify's own result (its timeline), or null when verify could not run at all. */
  result: VerifyResult | null;
}

export interface InitResult {
  /** False when npm install or verify failed; the project is kept either way. */
  ok: boolean;
  dir: string;
  name: string;
  template: string;
  transport: Transport;
  /** True when the certificate is signed by the local development CA (details in certificates.ca). */
  ca: boolean;
  /** True when the server requires a client certificate (client-key.pem, client-cert.pem). */
  mtls: boolean;
  port: number;
  /** Absolute paths of every file written, the key and certificate included. */
  files: string[];
  certificates: CertificateSummary;
  /** With mtls: the client's certificate (client-key.pem, client-cert.pem). */
  clientCertificate?: CertificateSummary;
  /** null when not asked to install. */
  install: InstallResult | null;
  /** null when verification was skipped (--no-verify). */
  verify: InitVerdict | null;
  /** Shell commands to run next, in order. */
  nextSteps: string[];
}

/** Checks the answers the flags gave, so a bad flag fails before any question. */
function checkGiven(options: InitOptions, templateNames: readonly string[]): Partial<Answers> {
  const given: Partial<Answers> = {};
  if (options.dir !== undefined) {
    packageNameFor(options.dir);
    checkTarget(options.dir, Boolean(options.force));
    given.dir = options.dir;
  }
  if (options.template !== undefined) given.template = parseTemplate(options.template, templateNames);
  if (options.transport !== undefined) given.transport = parseTransport(options.transport);
  if (options.mtls === true) {
    // Mutual TLS is a TLS handshake in which the local CA vouches for both sides.
    if (given.transport === 'h2c') {
      throw usageError(
        '--mtls cannot be used with --h2c: mutual TLS is a TLS handshake, and plaintext has none',
        'drop --h2c (--mtls implies --tls and --ca), or drop --mtls',
      );
    }
    if (options.ca === false)
      throw usageError('--mtls needs the local CA: it signs the client certificate the server checks', 'drop the option that turned --ca off');
    given.transport = 'tls';
    given.ca = true;
  }
  if (options.ca === true) {
    // --ca only means something for a certificate the program checks, so it
    // picks TLS when no transport was given; an explicit --h2c contradicts it.
    if (given.transport === 'h2c') {
      throw usageError('--ca cannot be used with --h2c: a plaintext server never presents its certificate', 'drop --h2c (--ca implies --tls), or drop --ca');
    }
    given.transport = 'tls';
  }
  if (options.ca !== undefined && given.ca === undefined) given.ca = options.ca;
  if (options.port !== undefined) given.port = parsePort(options.port);
  if (options.install !== undefined) given.install = options.install;
  if (options.verify !== undefined) given.verify = options.verify;
  return given;
}

async function runVerify(dir: string): Promise<InitVerdict> {
  try {
    const { verifyProject } = await import('../verify/index.js');
    // No port: verify picks a free one, so a busy 8000 cannot fail init.
    const result = await verifyProject({ dir });
    return { passed: result.passed, reason: result.reason, result };
  } catch (error) {
    // The project is written by now and is kept; a verify that cannot run is a
    // failed verification (exit 1), not bad input.
    return { passed: false, reason: error instanceof Error ? error.message : String(error), result: null };
  }
}

/** `h2-setup init` without the printing: the result is the --json document. */
export async function init(options: InitOptions): Promise<InitResult> {
  const templates = listTemplates();
  const templateNames = templates.map((template) => template.name);
  const force = Boolean(options.force);
  const given = checkGiven(options, templateNames);

  const progress = options.onProgress ?? (() => {});
  let answers: Answers;
  if (options.interactive) {
    const { askMissing } = await import('./prompts.js');
    answers = await askMissing(given, templates, force);
  } else {
    answers = {
      dir: given.dir ?? DEFAULTS.dir,
      template: given.template ?? parseTemplate(DEFAULTS.template, templateNames),
      transport: given.transport ?? DEFAULTS.transport,
      ca: given.ca ?? DEFAULTS.ca,
      port: given.port ?? DEFAULTS.port,
      install: given.install ?? DEFAULTS.install,
      verify: given.verify ?? DEFAULTS.verify,
    };
  }

  // Checked again, whatever the source: a default directory or a prompt answer
  // gets the same refusals as a flag, still before anything is written.
  const name = packageNameFor(answers.dir);
  const dir = checkTarget(answers.dir, force);
  // A CA-signed certificate is only used by the TLS program.
  const ca = answers.transport === 'tls' && answers.ca;
  const mtls = ca && options.mtls === true;
  planGeneration({ outDir: dir, force, ca });
  if (mtls) planGeneration({ outDir: dir, force, client: true });
  // The CA is created on first use; a path it cannot be created at is refused now.
  if (ca) checkDirectoryPath(caRootDirectory(), 'the local CA directory');
  const rendered = renderProject({ template: answers.template, transport: answers.transport, ca, mtls, port: answers.port, name });
  checkProjectFiles(dir, rendered);

  const files = writeProject(dir, rendered);
  progress(ca ? 'Making the private key and a certificate signed by the local CA...' : 'Making the private key and certificate...');
  const certificates = await generateCertificates({ outDir: dir, force, ca });
  files.push(...(certificates.keyPath ? [certificates.keyPath] : []), certificates.certPath, ...(certificates.ca ? [certificates.ca.certPath] : []));
  let clientCertificate: CertificateSummary | null = null;
  if (mtls) {
    progress('Making the client key and certificate, signed by the local CA...');
    // force: the server pass has just written ca-cert.pem, the same CA certificate this
    // pass writes again; the directory was checked empty (or --force given) above.
    clientCertificate = await generateCertificates({ outDir: dir, force: true, client: true });
    files.push(...(clientCertificate.keyPath ? [clientCertificate.keyPath] : []), clientCertificate.certPath);
  }

  let install: InstallResult | null = null;
  if (answers.install) {
    progress('Installing dependencies (npm install)...');
    install = await runNpmInstall(dir);
  }

  let verify: InitVerdict | null = null;
  if (answers.verify) {
    progress("Verifying that the session's 'close' event fires...");
    verify = await runVerify(dir);
  }

  return {
    ok: (install?.ok ?? true) && (verify?.passed ?? true),
    dir,
    name,
    template: answers.template,
    transport: answers.transport,
    ca,
    mtls,
    port: answers.port,
    files,
    certificates,
    ...(clientCertificate ? { clientCertificate } : {}),
    install,
    verify,
    // TLS projects also get the browser demo (serve.ts), which stays up until Ctrl-C.
    nextSteps: [
      `cd ${shellQuote(answers.dir)}`,
      ...(install?.ok ? [] : ['npm install']),
      'npm start',
      ...(answers.transport === 'tls' ? ['npm run serve'] : []),
    ],
  };
}
