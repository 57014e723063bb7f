// Runs a command (the test suite) and checks that it left the machine as it found it:
//   - the user's h2-setup cache, CA root and NSS database, and the system trust store,
//     are exactly as before (names, types, sizes, modes, times and contents);
//   - no process it started is still running (each carries a marker in its environment,
//     which every child inherits, so one that was re-parented or moved to a group of its
//     own is found too);
//   - nothing is left in the temporary directory it was given (TMPDIR).
// Usage: node .ci/leaves-no-trace.mjs <command> [args...]
// Exits with the command's code when that failed, 1 when it left a trace, 0 otherwise.
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node .ci/leaves-no-trace.mjs <command> [args...]');
  process.exit(2);
}

const home = process.env.HOME || homedir();
const watched = [
  ['user cache', join(process.env.XDG_CACHE_HOME || join(home, '.cache'), 'h2-setup')],
  ['CA root', join(process.env.XDG_DATA_HOME || join(home, '.local', 'share'), 'h2-setup')],
  ['NSS database', join(home, '.pki', 'nssdb')],
  ['system trust store', '/usr/local/share/ca-certificates'],
  ['system trust bundle', '/etc/ssl/certs/ca-certificates.crt'],
];
if (process.env.H2_SETUP_CACHE_DIR) watched.push(['H2_SETUP_CACHE_DIR', process.env.H2_SETUP_CACHE_DIR]);
if (process.env.H2_SETUP_CAROOT) watched.push(['H2_SETUP_CAROOT', process.env.H2_SETUP_CAROOT]);

/** One line per file or directory under `path` (or "absent"), enough to see any change. */
function describeTree(path) {
  const lines = [];
  const visit = (at, relative) => {
    let stat;
    try {
      stat = lstatSync(at);
    } catch {
      lines.push(`${relative}: absent`);
      return;
    }
    const type = stat.isDirectory() ? 'dir' : stat.isSymbolicLink() ? 'link' : 'file';
    let content = '';
    if (type === 'file') {
      try {
        content = createHash('sha256').update(readFileSync(at)).digest('hex');
      } catch (error) {
        content = `unreadable (${error.code})`;
      }
    }
    lines.push(`${relative}: ${type} mode ${(stat.mode & 0o7777).toString(8)} size ${stat.size} mtime ${stat.mtimeMs} ${content}`);
    if (type === 'dir') for (const entry of readdirSync(at).sort()) visit(join(at, entry), join(relative, entry));
  };
  visit(path, '.');
  return lines;
}

function snapshot() {
  return new Map(watched.map(([label, path]) => [label, describeTree(path)]));
}

/** Pids of processes whose environment holds `needle` (all of them run as this user). */
function processesWith(needle) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue; // exited, waiting to be reaped
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(needle)) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '(gone)';
  }
}

const MARKER_NAME = 'H2_SETUP_SUITE_RUN';
const markerValue = randomUUID();
const marker = `${MARKER_NAME}=${markerValue}`;
const scratch = mkdtempSync(join(tmpdir(), 'h2-setup-no-trace-'));
const before = snapshot();
const started = Date.now();

const code = await new Promise((resolve) => {
  const child = spawn(command, args, {
    stdio: 'inherit',
    env: { ...process.env, [MARKER_NAME]: markerValue, TMPDIR: scratch },
  });
  child.on('error', (error) => {
    console.error(`no-trace: could not run ${command}: ${error.message}`);
    resolve(127);
  });
  child.on('close', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
});

const traces = [];

// Processes get a moment to finish exiting (a parent may have just been told to stop).
let survivors = processesWith(marker);
for (let waited = 0; survivors.length > 0 && waited < 10_000; waited += 250) {
  await new Promise((resolve) => setTimeout(resolve, 250));
  survivors = processesWith(marker);
}
if (survivors.length > 0) {
  traces.push(`processes still running: ${survivors.map((pid) => `${pid} (${commandLine(pid)})`).join('; ')}`);
  for (const pid of survivors) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}

const after = snapshot();
for (const [label, path] of watched) {
  const was = before.get(label);
  const now = after.get(label);
  if (was.join('\n') === now.join('\n')) continue;
  const removed = was.filter((line) => !now.includes(line));
  const added = now.filter((line) => !was.includes(line));
  traces.push(`${label} ${path} changed:\n${[...removed.map((line) => `  - ${line}`), ...added.map((line) => `  + ${line}`)].join('\n')}`);
}

const leftInTmp = readdirSync(scratch);
if (leftInTmp.length > 0) traces.push(`left in TMPDIR: ${leftInTmp.join(', ')}`);
rmSync(scratch, { recursive: true, force: true });

const seconds = Math.round((Date.now() - started) / 1000);
if (traces.length > 0) {
  console.error(`no-trace: ${command} ${args.join(' ')} left traces (${seconds} s):\n${traces.map((trace) => `  ${trace}`).join('\n')}`);
} else {
  console.log(`no-trace: ${watched.length} watched paths unchanged, no process left running, TMPDIR empty (${seconds} s)`);
}
process.exit(code !== 0 ? code : traces.length > 0 ? 1 : 0);
