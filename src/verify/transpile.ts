import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { writeFilesAtomically } from '../files.js';
import type { ModuleFormat } from './module-format.js';

export type { ModuleFormat } from './module-format.js';

export interface CompileError {
  file: string | null;
  line: number | null;
  column: number | null;
  message: string;
}

export type TranspileResult =
  | { ok: true; outFile: string; format: ModuleFormat; ms: number; esbuild: string; inputs: string[] }
  | { ok: false; error: CompileError; ms: number; esbuild: string | null };

interface EsbuildMessage {
  text: string;
  location: { file: string; line: number; column: number } | null;
}

/** Bundles `entryPath` into `outFile` as `format` (see module-format.ts). */
export async function transpile(options: { dir: string; entryPath: string; outFile: string; format: ModuleFormat }): Promise<TranspileResult> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  const { format, outFile } = options;
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const entryUrl = pathToFileURL(options.entryPath).href;
  // The bundle lives in a temporary directory; these keep the program's idea of where it is
  // pointing at the project (per bundle, not per file: right for single-file tutorials).
  const define: Record<string, string> =
    format === 'esm'
      ? {
          'import.meta.url': JSON.stringify(entryUrl),
          'import.meta.filename': JSON.stringify(options.entryPath),
          'import.meta.dirname': JSON.stringify(dirname(options.entryPath)),
        }
      : { __filename: JSON.stringify(options.entryPath), __dirname: JSON.stringify(dirname(options.entryPath)) };
  try {
    const result = await esbuild.build({
      entryPoints: [options.entryPath],
      absWorkingDir: options.dir,
      outfile: outFile,
      bundle: true,
      platform: 'node',
      format,
      target: `node${process.versions.node}`,
      sourcemap: 'inline',
      // Absolute source paths in the map, so locations come back as real files.
      sourceRoot: '',
      define,
      logLevel: 'silent',
      metafile: true,
      // Written here rather than by esbuild: atomically, since a concurrent verify of the same
      // project may be about to run the same cached file.
      write: false,
    });
    const output = result.outputFiles.find((file) => file.path === outFile) ?? result.outputFiles[0];
    if (!output) throw new Error('esbuild produced no output');
    writeFilesAtomically([{ path: outFile, contents: output.text, mode: 0o600 }]);
    const inputs = Object.keys(result.metafile.inputs).map((input) => resolve(options.dir, input));
    return { ok: true, outFile, format, ms: elapsed(), esbuild: esbuild.version, inputs };
  } catch (error) {
    const first = ((error as { errors?: EsbuildMessage[] }).errors ?? [])[0];
    const location = first?.location ?? null;
    return {
      ok: false,
      error: {
        file: location ? resolve(options.dir, location.file) : null,
        line: location ? location.line : null,
        // esbuild counts columns from 0, editors and Node from 1.
        column: location ? location.column + 1 : null,
        message: first?.text ?? (error as Error).message,
      },
      ms: elapsed(),
      esbuild: esbuild.version,
    };
  }
}
