import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { shellQuote } from '../../common/index.js';
import { findOnPath } from '../../system/index.js';
import { runTool, type TrustAction, type TrustContext } from './context.js';

export function updateLinuxSystemStore(context: TrustContext, install: boolean): TrustAction {
  const store = 'system (update-ca-certificates)';
  const anchors = '/usr/local/share/ca-certificates';
  const target = join(anchors, `${context.caName.replace(/[^\w.-]+/g, '_')}.crt`);
  const update =
    findOnPath('update-ca-certificates', context.env) ?? (existsSync('/usr/sbin/update-ca-certificates') ? '/usr/sbin/update-ca-certificates' : undefined);
  const manual = install
    ? `sudo cp ${shellQuote(context.caCertPath)} ${shellQuote(target)} && sudo update-ca-certificates`
    : `sudo rm ${shellQuote(target)} && sudo update-ca-certificates --fresh`;
  if (!update || !existsSync(anchors)) {
    return {
      store: 'system',
      status: 'skipped',
      detail: 'no Debian-style system store (update-ca-certificates) on this machine',
      command: "see your distribution's documentation for adding a CA",
    };
  }
  if (process.getuid?.() !== 0) return { store, status: 'skipped', detail: 'changing the system store needs root', command: manual };
  if (install) {
    if (existsSync(target)) return { store, status: 'already-installed', detail: target };
    copyFileSync(context.caCertPath, target);
    const result = runTool(update, [], context.env);
    return result.ok ? { store, status: 'installed', detail: target } : { store, status: 'failed', detail: result.output, command: manual };
  }
  if (!existsSync(target)) return { store, status: 'not-installed', detail: target };
  rmSync(target);
  const result = runTool(update, ['--fresh'], context.env);
  return result.ok ? { store, status: 'removed', detail: target } : { store, status: 'failed', detail: result.output, command: manual };
}
