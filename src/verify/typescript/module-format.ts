/**
 * CommonJS or ES module for a TypeScript file, decided as tsc decides what it emits and Node
 * then decides how to run that:
 * - `.mts` is an ES module, `.cts` CommonJS;
 * - with `module` NodeNext/Node16/Node18/Node20 (the tutorial's tsconfig): the nearest
 *   package.json's "type", and no "type" means CommonJS, as it does to tsc and Node;
 * - with `module` CommonJS: CommonJS;
 * - otherwise (ES2015..ESNext, Preserve, or no tsconfig at all, as `node file.ts` runs a
 *   script): the nearest "type", and without one, whether the source has import/export
 *   statements, as Node's module syntax detection decides for the emitted .js.
 */
import { readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import type { ProjectConfig } from './tsconfig.js';

export type ModuleFormat = 'esm' | 'cjs';

function nearestPackageType(startDir: string): string | null {
  for (let dir = startDir; ; dir = dirname(dir)) {
    try {
      const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: unknown };
      return typeof json.type === 'string' ? json.type : null;
    } catch (error) {
      // A broken package.json stops the search like Node's own lookup does.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return null;
    }
    if (dirname(dir) === dir) return null;
  }
}

// import/export statements at the start of a line, as Node's module detection sees them
// (`import(` and `import.meta` are not ES module syntax on their own).
const ESM_SYNTAX =
  /^\s*(?:import\s*(?:type\s+)?[\w*{'"$]|export\s+(?:\{|\*|default\b|const\b|let\b|var\b|function\b|class\b|async\b|type\b|interface\b|enum\b|declare\b|abstract\b))/m;

/** tsc's `module` when the tsconfig does not say: CommonJS for an ES3/ES5 target (its default), ES2015 otherwise. */
function moduleKind(config: ProjectConfig): string {
  const { module, target } = config.compilerOptions;
  if (module) return module;
  return target === undefined || target === 'es3' || target === 'es5' ? 'commonjs' : 'es2015';
}

export function chooseFormat(file: string, source: string, config: ProjectConfig): ModuleFormat {
  const extension = extname(file).toLowerCase();
  if (extension === '.mts') return 'esm';
  if (extension === '.cts') return 'cjs';
  const kind = config.path === null ? null : moduleKind(config);
  if (kind === 'commonjs') return 'cjs';
  const type = nearestPackageType(dirname(file));
  if (type === 'module') return 'esm';
  if (type === 'commonjs') return 'cjs';
  if (kind !== null && /^node\d+$|^nodenext$/.test(kind)) return 'cjs';
  return ESM_SYNTAX.test(source) ? 'esm' : 'cjs';
}
