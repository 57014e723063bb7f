import type { InitResult } from './index.js';
export function formatInitReport(result: InitResult): string {
  return `${JSON.stringify(result)}\n`;
}
