/** Node's verdict: a real TLS handshake from a child `node` started as Node starts here
 *  (its bundled roots, NODE_EXTRA_CA_CERTS), and again with --use-system-ca. */
import { runBounded } from '../../system/index.js';
import { type Context, type TrustVerdict, whyNotRun } from './context.js';
import { USE_SYSTEM_CA_FROM } from './node-system-ca.js';

const NODE_CLIENT = `
const tls = require('node:tls');
const [port, name, isIp] = process.argv.slice(1);
// The server listens on 127.0.0.1 whatever the name. Without a servername (an address) Node
// checks the certificate against that connect address, and an IPv6-only pair fails it: its own
// check is replaced by the one below, against the name asked for, so 'authorized' is the chain alone.
const socket = tls.connect({ host: '127.0.0.1', port: Number(port), servername: isIp === '1' ? undefined : name, rejectUnauthorized: false, checkServerIdentity: () => undefined });
socket.on('secureConnect', () => {
  const identity = tls.checkServerIdentity(name, socket.getPeerCertificate());
  const error = socket.authorizationError;
  console.log(JSON.stringify({ authorized: socket.authorized, code: error && String(error.code || error), identity: identity && identity.message }));
  socket.destroy();
});
socket.on('error', (error) => console.log(JSON.stringify({ failed: error.code || error.message })));
`;

export async function askNode(context: Context, port: number, nodePath: string, client: 'node' | 'node-system-ca'): Promise<TrustVerdict> {
  const flags = client === 'node-system-ca' ? ['--use-system-ca'] : [];
  const extra = context.env.NODE_EXTRA_CA_CERTS;
  const nodeName = nodePath === process.execPath ? ` ${process.version}` : ` (${nodePath})`;
  const what =
    client === 'node'
      ? `Node${nodeName}${extra ? ` with NODE_EXTRA_CA_CERTS=${extra}` : ' (its bundled roots; NODE_EXTRA_CA_CERTS unset)'}`
      : `Node${nodeName} --use-system-ca (NODE_EXTRA_CA_CERTS left out: this line is about the system store)`;
  const args = [...flags, '-e', NODE_CLIENT, String(port), context.identity.name, context.identity.isIp ? '1' : '0'];
  // node-system-ca answers for the system store alone: with NODE_EXTRA_CA_CERTS kept,
  // it would repeat the node line whenever that variable names the CA.
  const env = { ...context.env };
  if (client === 'node-system-ca') delete env.NODE_EXTRA_CA_CERTS;
  const run = await runBounded(nodePath, args, { env, timeoutMs: context.timeoutMs });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  let answer: { authorized?: boolean; code?: string; identity?: string; failed?: string };
  try {
    answer = JSON.parse(line);
  } catch {
    // An older Node refuses the flag itself ("bad option: --use-system-ca"): see node-system-ca.ts.
    if (client === 'node-system-ca' && /bad option|--use-system-ca/.test(run.stderr)) {
      return { client, trusted: null, detail: `this Node (${nodePath}) has no --use-system-ca (it came in ${USE_SYSTEM_CA_FROM})` };
    }
    return { client, trusted: null, detail: whyNotRun(run, what, context.timeoutMs) };
  }
  if (answer.failed) return { client, trusted: null, detail: `${what} could not complete a handshake with the loopback server: ${answer.failed}` };
  if (answer.authorized && !answer.identity) return { client, trusted: true, detail: `${what} accepted it for ${context.identity.name}` };
  // authorizationError is OpenSSL's verify error name, e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE.
  let why = answer.authorized ? answer.identity : answer.code;
  // Node 20 to 26 have no name for OpenSSL's X509_V_ERR_PERMITTED_VIOLATION and say UNSPECIFIED.
  if (why === 'UNSPECIFIED' && context.lineage === 'outside-ca') why = "UNSPECIFIED: a name outside the CA's name constraints";
  return { client, trusted: false, detail: `${what} refused it (${why})` };
}
