import type forgeModule from 'node-forge';
import type { Forge } from './x509-builder.js';

/**
 * The name of the algorithm a certificate is signed with (e.g. sha256WithRSAEncryption).
 * Node's X509Certificate does not expose it before Node 22, so it is read from the
 * DER with node-forge's ASN.1 parser: Certificate ::= SEQUENCE { tbsCertificate,
 * signatureAlgorithm AlgorithmIdentifier, signatureValue }.
 */
export function signatureAlgorithmOf(forge: Forge, der: Buffer): string {
  try {
    const certificate = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
    const algorithmIdentifier = (certificate.value as forgeModule.asn1.Asn1[])[1];
    const oidNode = (algorithmIdentifier?.value as forgeModule.asn1.Asn1[] | undefined)?.[0];
    const oid = forge.asn1.derToOid(forge.util.createBuffer(oidNode?.value as string));
    return (forge.pki.oids[oid] as string | undefined) ?? oid;
  } catch {
    return 'unknown';
  }
}
