// `h2-setup --help` vs a bare `node -e 0`: the CLI's own start-up cost.
// Usage: node bench/help.mjs [runs]
import { fileURLToPath } from 'node:url';
import { compare, timeOnce } from './lib.mjs';

const cli = fileURLToPath(new URL('../bin/h2-setup.cjs', import.meta.url));
const runs = Number(process.argv[2] ?? 30);

compare({
  name: 'h2-setup --help vs node -e 0',
  runs,
  goal: 1.5,
  subject: () => timeOnce(process.execPath, [cli, '--help']),
  reference: () => timeOnce(process.execPath, ['-e', '0']),
});
