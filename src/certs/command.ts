/**
 * `h2-setup certs`: its flag table (defaults and conflicts declared once, here), and the
 * step from flags to options to the pure functions (generateCertificates,
 * checkCertificates, installLocalCa) to text, JSON and an exit code.
 * The certificate code (and node-forge's ASN.1 codec behind it) loads only when the action runs.
 */
import { type Command, Option } from '../commander.js';
import { ExitCode, printResult, usageError } from '../common/index.js';
// The defaults for --help come from their own modules, not profile/index.ts, which would also
// load host parsing (node:net, node:url: ~4 ms of CPU) that --help never uses.
import { CLIENT_CERT_FILE, CLIENT_KEY_FILE, DEFAULT_CERT_FILE, DEFAULT_KEY_FILE, P12_FILE, P12_PASSWORD_VARIABLE } from './profile/file-names.js';
import { ALLOWED_BITS, DEFAULT_BITS, DEFAULT_DAYS, DEFAULT_HOSTS, DEFAULT_OUT_DIR, MAX_DAYS } from './profile/limits.js';
import type { CertsOptions } from './request.js';

export interface CertsFlags {
  outDir: string;
  host?: string[];
  days: string | number;
  bits?: string | number;
  keyType?: string;
  key?: string;
  cert?: string;
  client?: boolean;
  csr?: string;
  p12?: boolean;
  force?: boolean;
  check?: boolean;
  renew?: boolean;
  ca?: boolean;
  installCa?: boolean;
  uninstallCa?: boolean;
  caPath?: boolean;
  json?: boolean;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The flags that describe a new pair, which --install-ca and --uninstall-ca do not make. */
const PAIR_FLAGS = ['outDir', 'host', 'days', 'bits', 'key', 'cert', 'force', 'ca', 'keyType', 'client', 'csr', 'p12', 'renew'];

/** Adds certs' flags and action to the command cli.ts made (its name and description are listed there). */
export function defineCertsCommand(command: Command): Command {
  return (
    command
      .addOption(new Option('--out-dir <dir>', 'directory to write into (created when missing)').default(DEFAULT_OUT_DIR))
      .addOption(new Option('--host <name>', `DNS name or IP address to cover; repeat for more (default: ${DEFAULT_HOSTS.join(', ')})`).argParser(collect))
      .addOption(new Option('--days <n>', `days the certificate is valid, 1-${MAX_DAYS}`).default(DEFAULT_DAYS))
      // No commander defaults for --bits, --key and --cert: whether they were given matters
      // (--bits is refused with ecdsa; --client and --csr change the file names).
      .addOption(new Option('--key-type <type>', 'rsa or ecdsa (P-256) (default: rsa)'))
      .addOption(new Option('--bits <n>', `RSA key size: ${ALLOWED_BITS.join(', ')} (default: ${DEFAULT_BITS})`))
      .addOption(new Option('--key <file>', `private key file name, relative to --out-dir (default: ${DEFAULT_KEY_FILE}, ${CLIENT_KEY_FILE} with --client)`))
      .addOption(new Option('--cert <file>', `certificate file name, relative to --out-dir (default: ${DEFAULT_CERT_FILE}, ${CLIENT_CERT_FILE} with --client)`))
      .addOption(new Option('--force', 'replace existing files'))
      .addOption(new Option('--ca', 'sign with the local development CA (created on first use) and write ca-cert.pem beside the pair'))
      .addOption(new Option('--client', `a client certificate for mutual TLS (implies --ca): ${CLIENT_KEY_FILE} + ${CLIENT_CERT_FILE}`))
      .addOption(new Option('--csr <file>', 'sign this certificate request with the local CA (implies --ca); writes only the certificate and ca-cert.pem'))
      .addOption(new Option('--p12', `also write ${P12_FILE} (key + certificate + CA, password from ${P12_PASSWORD_VARIABLE} or asked)`))
      .addOption(new Option('--json', 'print one JSON document instead of text'))
      // Flags that only shape a new pair are refused with --check rather than silently ignored
      // (a flag left at its default does not count).
      .addOption(
        new Option(
          '--check',
          'diagnose an existing pair instead of writing one, for the hosts it names or exactly the --host ones (exit 1 on any problem; the "who trusts it" section is information and never changes the exit code)',
        ).conflicts(['force', 'ca', 'days', 'bits', 'keyType', 'csr', 'p12']),
      )
      .addOption(
        new Option(
          '--renew',
          'make the pair if missing, remake it only if --check would fail it (expired, less than a third of its lifetime and at most 30 days left, a --host not covered, its CA no longer signs it) or when its key type, size or purpose differs from --key-type, --bits, --client; else change nothing (exit 0)',
        ).conflicts(['check', 'force']),
      )
      .addOption(
        new Option('--install-ca', 'add the local CA to the trust stores it can reach (NSS, system)').conflicts(['check', 'uninstallCa', ...PAIR_FLAGS]),
      )
      .addOption(new Option('--uninstall-ca', 'remove the local CA from those trust stores').conflicts(['check', ...PAIR_FLAGS]))
      .addOption(
        new Option(
          '--ca-path',
          "print the local CA certificate's path and nothing else, for NODE_EXTRA_CA_CERTS=$(h2-setup certs --ca-path) (exit 2 when there is no CA yet)",
        ).conflicts(['check', 'installCa', 'uninstallCa', ...PAIR_FLAGS]),
      )
      .addHelpText(
        'after',
        `
Examples:
  h2-setup certs
  h2-setup certs --out-dir certs --host localhost --host app.test --days 90
  h2-setup certs --check                               (problems, then which clients trust the pair)
  h2-setup certs --renew --ca                          (in predev/prestart: remakes only when due)
  h2-setup certs --ca && h2-setup certs --install-ca   (browsers trust it, no warning)
  NODE_EXTRA_CA_CERTS=$(h2-setup certs --ca-path) node client.js   (any Node trusts the local CA)
  h2-setup certs --key-type ecdsa                      (a P-256 key instead of RSA-2048)
  h2-setup certs --client                              (client-key.pem + client-cert.pem for mutual TLS)
  h2-setup certs --csr app.csr --cert app-cert.pem     (sign a request made by openssl, keytool or Go)
  H2_SETUP_P12_PASSWORD=... h2-setup certs --ca --p12  (also bundle.p12 for Java, Windows, browsers)
  H2_SETUP_CA_PERMIT=corp.lan h2-setup certs --install-ca   (a new CA that may also vouch for *.corp.lan)`,
      )
      .action(async (flags: CertsFlags) => {
        process.exitCode = await runCerts(flags);
      })
  );
}

/** Make a pair, --check one, or --install-ca / --uninstall-ca; print the result and return the exit code. */
async function runCerts(flags: CertsFlags): Promise<ExitCode> {
  // The flags go on as they came (text included): each certs function parses them once.
  const files: CertsOptions = { outDir: flags.outDir, key: flags.key, cert: flags.cert, hosts: flags.host };
  if (flags.caPath) return printCaPath(flags.json);
  const report = await import('./report.js');
  // Only a command that uses the local CA loads ca/ to say where a relative H2_SETUP_CAROOT points.
  if (flags.ca || flags.client || flags.csr !== undefined || flags.installCa || flags.uninstallCa) {
    const notice = (await import('./ca/index.js')).caRootNotice();
    if (notice) process.stderr.write(notice);
  }
  if (flags.installCa || flags.uninstallCa) {
    const { installLocalCa } = await import('./install-ca.js');
    const result = await installLocalCa({ uninstall: flags.uninstallCa });
    printResult(result, flags.json, report.formatInstallCa);
    return result.ok ? ExitCode.ok : ExitCode.failed;
  }
  if (flags.renew) {
    const { renewCertificates } = await import('./renew.js');
    const result = await renewCertificates({ ...files, days: flags.days, bits: flags.bits, keyType: flags.keyType, ca: flags.ca, client: flags.client });
    printResult(result, flags.json, report.formatRenew);
    warn(report.unconstrainedCaWarning(result.summary?.caConstraints));
    return ExitCode.ok;
  }
  if (flags.check) {
    const { checkCertificates } = await import('./check.js');
    const result = await checkCertificates(files);
    printResult(result, flags.json, report.formatCheck);
    return result.ok ? ExitCode.ok : ExitCode.failed;
  }
  const { writeCertificates } = await import('./write.js');
  const result = await writeCertificates(
    {
      ...files,
      days: flags.days,
      bits: flags.bits,
      keyType: flags.keyType,
      force: flags.force,
      ca: flags.ca,
      client: flags.client,
      csr: flags.csr,
      p12: flags.p12,
    },
    async () => (await import('./p12-password.js')).askP12PasswordAtTerminal(),
  );
  printResult(result, flags.json, report.formatGenerated);
  warn(report.unconstrainedCaWarning(result.caConstraints));
  return ExitCode.ok;
}

/**
 * --ca-path: the path alone, so `$(h2-setup certs --ca-path)` is the path. Unlike mkcert's
 * -CAROOT (a directory, printed even when empty), this names a file, and a path to a file
 * that is not there would leave NODE_EXTRA_CA_CERTS to warn and trust nothing: with no CA
 * yet it is exit 2 with nothing on stdout, so a script stops there. It never makes a CA.
 */
async function printCaPath(json: boolean | undefined): Promise<ExitCode> {
  const { caRootDirectory, readLocalCaCertificate } = await import('./ca/index.js');
  const { selfCommand } = await import('../system/index.js');
  const ca = readLocalCaCertificate();
  if (!ca) {
    throw usageError(
      `no local CA yet in ${caRootDirectory()}: --ca-path prints the path of an existing one`,
      `make it with \`${selfCommand()} certs --ca\` (or --install-ca), then run --ca-path again`,
    );
  }
  printResult({ caCertPath: ca.certPath }, json, () => `${ca.certPath}\n`);
  return ExitCode.ok;
}

function warn(line: string | undefined): void {
  if (line) process.stderr.write(line);
}
