// Placeholder until the init issue lands: the interface cli.ts relies on.
import { CliError } from '../errors.js';
export interface InitOptions { dir?: string; template?: string; transport?: 'h2c' | 'tls'; port?: string | number; yes?: boolean; force?: boolean; install?: boolean; verify?: boolean; json?: boolean }
export interface InitResult { ok: boolean }
export async function initProject(_options: InitOptions): Promise<InitResult> {
  throw new CliError('init is not implemented yet');
}
