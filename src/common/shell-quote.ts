/**
 * Quotes one word for a POSIX shell, for the commands h2-setup prints for a person to
 * run (`cd DIR`, `NODE_EXTRA_CA_CERTS=… node …`, certutil lines). Double quotes are not
 * enough: `$(…)` and backticks still run inside them, and a directory may be called
 * anything. Plain words are left bare so the usual case reads naturally.
 */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
