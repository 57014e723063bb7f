/**
 * The project's tsconfig.json, as far as it changes what a file means when run: the options
 * esbuild honours when transpiling (decorators, class field semantics, import elision, JSX)
 * and `module`, which decides whether tsc would emit CommonJS or an ES module (module-format.ts).
 *
 * Found the way tsc finds it (the nearest tsconfig.json above the file), read as tsc reads it
 * (comments and trailing commas allowed), with `extends` followed (a relative path or a
 * package's file), nearer files overriding what they extend.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/** The compilerOptions that change what the program does, as written (strings lower-cased). */
export interface CompilerOptions {
  target?: string;
  module?: string;
  experimentalDecorators?: boolean;
  emitDecoratorMetadata?: boolean;
  useDefineForClassFields?: boolean;
  verbatimModuleSyntax?: boolean;
  preserveValueImports?: boolean;
  importsNotUsedAsValues?: string;
  alwaysStrict?: boolean;
  strict?: boolean;
  jsx?: string;
  jsxFactory?: string;
  jsxFragmentFactory?: string;
  jsxImportSource?: string;
}

export interface ProjectConfig {
  /** the tsconfig.json that applies, or null when there is none */
  path: string | null;
  compilerOptions: CompilerOptions;
}

const KEPT = new Set<string>([
  'target',
  'module',
  'experimentalDecorators',
  'emitDecoratorMetadata',
  'useDefineForClassFields',
  'verbatimModuleSyntax',
  'preserveValueImports',
  'importsNotUsedAsValues',
  'alwaysStrict',
  'strict',
  'jsx',
  'jsxFactory',
  'jsxFragmentFactory',
  'jsxImportSource',
]);

/** Calls `visit` for each character outside strings; strings are copied whole. */
function outsideStrings(text: string, visit: (i: number) => { skipTo: number; emit: string } | null): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
      continue;
    }
    const replaced = visit(i);
    if (replaced) {
      out += replaced.emit;
      i = replaced.skipTo;
    } else out += text[i];
  }
  return out;
}

/** JSON with comments and trailing commas, as tsc accepts it, made plain JSON. */
export function stripJsonComments(text: string): string {
  const plain = outsideStrings(text, (i) => {
    if (text[i] !== '/') return null;
    if (text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      return { skipTo: end < 0 ? text.length : end - 1, emit: '' };
    }
    if (text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      return { skipTo: end < 0 ? text.length : end + 1, emit: ' ' };
    }
    return null;
  });
  return outsideStrings(plain, (i) => (plain[i] === ',' && /^\s*[}\]]/.test(plain.slice(i + 1, i + 200)) ? { skipTo: i, emit: '' } : null));
}

function readConfigFile(path: string, seen: Set<string>): CompilerOptions {
  if (seen.has(path)) return {};
  seen.add(path);
  const json = JSON.parse(stripJsonComments(readFileSync(path, 'utf8'))) as { extends?: unknown; compilerOptions?: Record<string, unknown> };
  const bases = typeof json.extends === 'string' ? [json.extends] : Array.isArray(json.extends) ? json.extends.filter((x) => typeof x === 'string') : [];
  let options: CompilerOptions = {};
  for (const base of bases) {
    const basePath = resolveExtends(base, dirname(path));
    if (basePath) {
      try {
        options = { ...options, ...readConfigFile(basePath, seen) };
      } catch {
        // an unreadable base adds nothing, as if it were empty
      }
    }
  }
  for (const [key, value] of Object.entries(json.compilerOptions ?? {})) {
    if (KEPT.has(key)) (options as Record<string, unknown>)[key] = typeof value === 'string' ? value.toLowerCase() : value;
  }
  return options;
}

function resolveExtends(base: string, fromDir: string): string | null {
  if (base.startsWith('.') || base.startsWith('/')) {
    const path = resolve(fromDir, base);
    return path.endsWith('.json') ? path : `${path}.json`;
  }
  const require = createRequire(join(fromDir, 'tsconfig.json'));
  for (const candidate of [base, `${base}.json`, `${base}/tsconfig.json`]) {
    try {
      return require.resolve(candidate);
    } catch {
      // try the next form
    }
  }
  return null;
}

const found = new Map<string, ProjectConfig>();

/** The configuration that applies to files in `dir` (cached per directory for the run). */
export function projectConfig(dir: string): ProjectConfig {
  const known = found.get(dir);
  if (known) return known;
  let config: ProjectConfig;
  const path = join(dir, 'tsconfig.json');
  try {
    config = { path, compilerOptions: readConfigFile(path, new Set()) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const parent = dirname(dir);
    // A tsconfig.json tsc cannot read either counts as none; the search goes up like tsc's.
    config = code === 'ENOENT' && parent !== dir ? projectConfig(parent) : { path: code === 'ENOENT' ? null : path, compilerOptions: {} };
  }
  found.set(dir, config);
  return config;
}

/**
 * What tsc does with class fields: `useDefineForClassFields` as written, otherwise true when
 * the target is ES2022 or later (ESNext included), false below (and for tsc's default ES5).
 */
export function usesDefineForClassFields(options: CompilerOptions): boolean {
  if (options.useDefineForClassFields !== undefined) return options.useDefineForClassFields;
  const target = options.target ?? 'es5';
  if (target === 'esnext') return true;
  const year = Number(/^es(\d{4})$/.exec(target)?.[1] ?? 0);
  return year >= 2022;
}
