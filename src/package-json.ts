/** h2-setup's own package.json, read once: `--version`, and the key of verify's transpile cache.
 *  Read with require(): an ES module import of node:fs costs --help ~4 ms of CPU (Node 26). */
import { createRequire } from 'node:module';

export const packageJson = createRequire(import.meta.url)('../package.json') as { name: string; version: string };
