/**
 * ES module or CommonJS for a TypeScript entry that esbuild turns into JavaScript, decided
 * the way Node decides for the equivalent .js/.mjs/.cjs file: the extension first, then the
 * nearest package.json "type", then (no "type") whether the source has import/export
 * statements, as Node's module detection does.
 */
import { readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

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

export function chooseFormat(entryPath: string, source: string): ModuleFormat {
  const extension = extname(entryPath).toLowerCase();
  if (extension === '.mts') return 'esm';
  if (extension === '.cts') return 'cjs';
  const type = nearestPackageType(dirname(entryPath));
  if (type === 'module') return 'esm';
  if (type === 'commonjs') return 'cjs';
  return ESM_SYNTAX.test(source) ? 'esm' : 'cjs';
}
