/**
 * TypeScript's way of naming files in imports: `./lib.js` names lib.ts when there is no lib.js
 * (NodeNext, the tutorial's tsconfig), `.mjs`/`.cjs` name `.mts`/`.cts`, and an extensionless
 * `./lib` (CommonJS) may name lib.ts or lib/index.ts. Node only tries these after the name as
 * written was not found, so a real .js beside the .ts still wins, as it would after tsc.
 */
import { extname } from 'node:path';

const ALTERNATIVES: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
  '.jsx': ['.tsx'],
  '': ['.ts', '.tsx', '/index.ts', '/index.tsx'],
};

export const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

export function isTypeScriptFile(path: string): boolean {
  return TYPESCRIPT_EXTENSIONS.has(extname(path).toLowerCase());
}

/** Whether a failed resolution is one the TypeScript names above may fix. */
export function mayNameTypeScript(specifier: string, error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return (
    specifier.startsWith('./') ||
    specifier.startsWith('../') ||
    specifier.startsWith('/') ||
    specifier.startsWith('file:') ||
    specifier === '.' ||
    specifier === '..'
  );
}

/** The specifiers to try, in order, for one that was not found. */
export function typeScriptAlternatives(specifier: string): string[] {
  const extension = extname(specifier);
  const known = extension in ALTERNATIVES && !specifier.endsWith('/');
  const base = known ? specifier.slice(0, specifier.length - extension.length) : specifier;
  return (ALTERNATIVES[known ? extension : ''] ?? []).map((alternative) => base + alternative);
}
