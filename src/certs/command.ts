/**
 * The certs command's flags and what it does with them, shared by the commander program
 * (src/program.ts) and the launcher's fast path (src/fast-cli.ts), so the two can never
 * disagree on a flag, a default or the output.
 */
import { ExitCode } from '../errors.js';
import { printJson } from '../print-json.js';

export interface CertsFlag {
  /** the option's name in the flags object (commander's camelCase) */
  name: 'outDir' | 'host' | 'days' | 'bits' | 'key' | 'cert' | 'force' | 'ca' | 'json';
  /** the long flag without dashes, as util.parseArgs wants it */
  long: string;
  /** commander's flag syntax */
  flags: string;
  description: string;
  default?: string;
  takesValue: boolean;
  /** may be given more than once (collected into an array) */
  multiple?: boolean;
}

/** The flags that make a new pair. --check, --install-ca and --uninstall-ca are defined in
 *  program.ts only: they refuse combinations, which is commander's job. */
export const CERTS_FLAGS: readonly CertsFlag[] = [
  { name: 'outDir', long: 'out-dir', flags: '--out-dir <dir>', description: 'directory to write into (created when missing)', default: '.', takesValue: true },
  {
    name: 'host',
    long: 'host',
    flags: '--host <name>',
    description: 'DNS name or IP address to cover; repeat for more (default: localhost, 127.0.0.1, ::1)',
    takesValue: true,
    multiple: true,
  },
  { name: 'days', long: 'days', flags: '--days <n>', description: 'days the certificate is valid, 1-825', default: '365', takesValue: true },
  { name: 'bits', long: 'bits', flags: '--bits <n>', description: 'RSA key size: 2048, 3072 or 4096', default: '2048', takesValue: true },
  {
    name: 'key',
    long: 'key',
    flags: '--key <file>',
    description: 'private key file name, relative to --out-dir',
    default: 'private-key.pem',
    takesValue: true,
  },
  {
    name: 'cert',
    long: 'cert',
    flags: '--cert <file>',
    description: 'certificate file name, relative to --out-dir',
    default: 'public-cert.pem',
    takesValue: true,
  },
  { name: 'force', long: 'force', flags: '--force', description: 'replace existing files', takesValue: false },
  {
    name: 'ca',
    long: 'ca',
    flags: '--ca',
    description: 'sign with the local development CA (created on first use) and write ca-cert.pem beside the pair',
    takesValue: false,
  },
  { name: 'json', long: 'json', flags: '--json', description: 'print one JSON document instead of text', takesValue: false },
];

export interface CertsCommandFlags {
  outDir?: string;
  host?: string[];
  days?: string;
  bits?: string;
  key?: string;
  cert?: string;
  force?: boolean;
  check?: boolean;
  ca?: boolean;
  installCa?: boolean;
  uninstallCa?: boolean;
  json?: boolean;
}

/** Runs certs (make, --check, --install-ca or --uninstall-ca) and prints the result; returns
 *  the exit code. Errors propagate to the caller. */
export async function runCertsCommand(flags: CertsCommandFlags): Promise<ExitCode> {
  const common = { outDir: flags.outDir, keyFile: flags.key, certFile: flags.cert, hosts: flags.host };
  const report = await import('./report.js');
  const notice = (await import('./ca-root.js')).caRootNotice();
  if (notice && (flags.ca || flags.installCa || flags.uninstallCa)) process.stderr.write(notice);
  if (flags.installCa || flags.uninstallCa) {
    const { installLocalCa } = await import('./install-ca.js');
    const result = await installLocalCa({ uninstall: flags.uninstallCa });
    if (flags.json) printJson(result);
    else process.stdout.write(report.formatInstallCa(result));
    return result.ok ? ExitCode.ok : ExitCode.failed;
  }
  if (flags.check) {
    const { checkCertificates } = await import('./check.js');
    const result = await checkCertificates(common);
    if (flags.json) printJson(result);
    else process.stdout.write(report.formatCheck(result));
    return result.ok ? ExitCode.ok : ExitCode.failed;
  }
  const { generateCertificates } = await import('./generate.js');
  const summary = await generateCertificates({ ...common, days: flags.days, bits: flags.bits, force: flags.force, ca: flags.ca });
  if (flags.json) printJson({ ...summary, trust: report.nodeTrustLines(summary.ca?.certPath ?? summary.certPath) });
  else process.stdout.write(report.formatGenerated(summary));
  return ExitCode.ok;
}
