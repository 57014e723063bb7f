/**
 * h2-setup as a library: `import { createCertificate, verify } from 'h2-setup'`.
 *
 * Each function is what a command does, returning the very document the command prints
 * with --json (the commands call these same functions), never printing and never
 * prompting. Options are the flags in camelCase, typed as what they mean (numbers are
 * numbers, lists are arrays), and are checked exactly as the flags are: a bad one throws
 * H2SetupError with a stable `code` and the `exitCode` the CLI would exit with, before
 * anything is written.
 *
 * The command modules are imported when a function is first called, not when this module
 * is: a test suite that only wants createCertificate() does not load the verifier, the
 * scaffolder or inquirer.
 */
import type { CertsResult, CheckResult, CreateCertificateOptions, CreatedCertificate, WriteCertificatesOptions } from './certs/index.js';
import { usageError } from './common/index.js';
import type { InitResult } from './init/index.js';
import type { VerifyResult } from './verify/index.js';

// The --json documents of the commands without a library function of their own, so a
// program reading them has their types too (docs/json.md is checked against all of these).
export type {
  CertsResult,
  CheckResult,
  CreateCertificateOptions,
  CreatedCertificate,
  InstallCaResult,
  Problem,
  ProblemCode,
  RenewResult,
  WriteCertificatesOptions,
} from './certs/index.js';
export { ExitCode, H2SetupError } from './common/index.js';
export type { InitResult, InitVerdict } from './init/index.js';
export type { ErrorDocument } from './report-error.js';
export type { FailureKind, TimelineEntry, TutorialLine, VerifyResult } from './verify/index.js';

/**
 * A key and certificate in memory, as PEM strings. Writes nothing and touches no
 * directory; with `ca: true` it uses (and on first use creates) the local development CA
 * and returns its certificate as `ca`.
 */
export async function createCertificate(options: CreateCertificateOptions = {}): Promise<CreatedCertificate> {
  const { createCertificate: create } = await import('./certs/index.js');
  return create(options);
}

/** `h2-setup certs`: writes the pair (and what the options add) and returns its --json document. */
export async function writeCertificates(options: WriteCertificatesOptions = {}): Promise<CertsResult> {
  const { writeCertificates: write } = await import('./certs/index.js');
  return write(options);
}

export interface CheckCertificatesOptions {
  /** The directory holding the pair; default the current directory. */
  outDir?: string;
  /** The key's file name, relative to outDir; default private-key.pem. */
  key?: string;
  /** The certificate's file name, relative to outDir; default public-cert.pem. */
  cert?: string;
  /** Names and addresses the certificate must cover; default localhost, 127.0.0.1, ::1. */
  hosts?: string[];
}

/** `h2-setup certs --check`: every problem of an existing pair, as its --json document. */
export async function checkCertificates(options: CheckCertificatesOptions = {}): Promise<CheckResult> {
  const { checkCertificates: check } = await import('./certs/index.js');
  return check(options);
}

export interface VerifyOptions {
  /** The program, relative to the project directory; default index.ts. */
  entry?: string;
  /** Stop the program, and everything it started, after this many milliseconds (as --timeout); default 10000. */
  timeout?: number;
  /** The port given to the program as PORT; default a free loopback port. */
  port?: number;
}

/** `h2-setup verify DIR`: runs the project and returns the verdict and timeline (its --json document). */
export async function verify(dir = '.', options: VerifyOptions = {}): Promise<VerifyResult> {
  const { verifyProject } = await import('./verify/index.js');
  return verifyProject({ dir, entry: options.entry, timeoutMs: options.timeout, port: options.port });
}

export interface InitOptions {
  /** The new project's directory; default h2-close-demo. */
  dir?: string;
  /** example-1 (default) or example-2. */
  template?: string;
  /** Serve with http2.createSecureServer instead of plaintext h2c. */
  tls?: boolean;
  /** Plaintext h2c, as the tutorial (the default). */
  h2c?: boolean;
  /** Sign the certificate with the local development CA (implies tls). */
  ca?: boolean;
  /** Mutual TLS: the server requires a client certificate, which init makes (implies tls and ca). */
  mtls?: boolean;
  /** The default port written into the program; default 8000. */
  port?: number;
  /** Write into a non-empty directory (never deletes files it does not write). */
  force?: boolean;
  /** Run npm install in the project; default false. */
  install?: boolean;
  /** Verify the project at the end; default true. */
  verify?: boolean;
  /** Accepted for symmetry with the CLI's --yes; the library never prompts. */
  yes?: boolean;
}

/** `h2-setup init`: scaffolds the tutorial project and returns its --json document. Never prompts. */
export async function init(options: InitOptions = {}): Promise<InitResult> {
  if (options.tls && options.h2c)
    throw usageError("option 'tls' cannot be used with option 'h2c'", 'choose one transport: tls (createSecureServer) or h2c (plaintext)');
  const { init: scaffold } = await import('./init/index.js');
  return scaffold({
    dir: options.dir,
    template: options.template,
    transport: options.tls ? 'tls' : options.h2c ? 'h2c' : undefined,
    ca: options.ca,
    mtls: options.mtls,
    port: options.port,
    force: options.force,
    install: options.install ?? false,
    verify: options.verify ?? true,
    yes: true,
    interactive: false,
  });
}
