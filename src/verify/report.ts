import type { VerifyResult } from './index.js';
export function formatVerifyReport(result: VerifyResult): string {
  return `${JSON.stringify(result)}\n`;
}
