// Placeholder until the verify issue lands: the interface cli.ts relies on.
import { CliError } from '../errors.js';
export interface VerifyOptions { dir?: string; entry?: string; timeoutMs?: string | number; port?: string | number }
export interface VerifyResult { passed: boolean }
export async function verifyProject(_options: VerifyOptions): Promise<VerifyResult> {
  throw new CliError('verify is not implemented yet');
}
