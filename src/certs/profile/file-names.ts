/**
 * Every file name h2-setup's certificates live under, in one place: the pair's defaults,
 * the CA certificate written beside a CA-signed pair, and the CA's own two files (named as
 * mkcert names them, so a person who knows one tool knows both). All end in `.pem`, so the
 * scaffold's `*.pem` ignore rule covers them, and covers the temporary files too (files.ts
 * names those after their target and keeps the extension).
 */
export const DEFAULT_KEY_FILE = 'private-key.pem';
export const DEFAULT_CERT_FILE = 'public-cert.pem';
/** `--client` writes these unless --key/--cert say otherwise. */
export const CLIENT_KEY_FILE = 'client-key.pem';
export const CLIENT_CERT_FILE = 'client-cert.pem';
/** `--p12` writes the PKCS#12 bundle beside the pair under this name (not .pem: it is binary). */
export const P12_FILE = 'bundle.p12';
/** Where --p12 reads the bundle's password from when it is not asked at a terminal. */
export const P12_PASSWORD_VARIABLE = 'H2_SETUP_P12_PASSWORD';
/** The CA certificate (public part only) is written beside a CA-signed pair under this name. */
export const CA_CERT_BESIDE_PAIR = 'ca-cert.pem';
/** Inside the CA root. */
export const CA_CERT_FILE = 'rootCA.pem';
export const CA_KEY_FILE = 'rootCA-key.pem';
