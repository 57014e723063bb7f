/** h2-setup's own package.json, read once: `--version`, and the key of verify's transpile cache. */
import { readFileSync } from 'node:fs';

export const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
