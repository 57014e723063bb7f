/**
 * The text report: the timeline (one line per event, time since the program started), the
 * tutorial's printed lines with why each missing one is missing, and the verdict line.
 */
import { paint, stillRunningWords } from '../system/index.js';
import type { TimelineEntry, VerifyResult } from './index.js';

function time(ms: number): string {
  return `+${ms.toFixed(1).padStart(7)} ms`;
}

function sessionName(entry: { side: string; session: number }): string {
  return `${entry.side} session #${entry.session}`;
}

/** One line of words per event; null for events not worth a line of their own. */
export function describeEvent(entry: TimelineEntry): string | null {
  switch (entry.type) {
    case 'probe-ready':
      return `program started (pid ${entry.pid}, Node ${entry.node})`;
    case 'http1-server-created':
      return `HTTP/1 server created with ${entry.module}.createServer${entry.location ? ` at ${entry.location}` : ''} (not http2)`;
    case 'server-created':
      return `http2 server #${entry.server} created (${entry.secure ? 'createSecureServer, TLS' : 'createServer, h2c'})${entry.location ? ` at ${entry.location}` : ''}`;
    case 'server-listening':
      return `server #${entry.server} listening on port ${entry.port ?? '?'} (${entry.secure ? 'TLS' : 'h2c'})`;
    case 'server-error':
      return `server #${entry.server} error: ${entry.code ? `${entry.code} ` : ''}${entry.message}`;
    case 'server-close-called':
      return `server.close(${entry.hasCallback ? 'cb' : ''}) called${entry.by === 'node' ? ' by Node' : ''}`;
    case 'server-closed':
      return `server #${entry.server} 'close'`;
    case 'session-opened':
      return `${sessionName(entry)} opened${entry.authority ? ` to ${entry.authority}` : ''}${entry.alpn ? `, ALPN ${entry.alpn}` : ''}`;
    case 'session-connected':
      return `${sessionName(entry)} connected, ALPN ${entry.alpn ?? 'none'}`;
    case 'peer-certificate':
      return `${sessionName(entry)}: the client presented a certificate for ${entry.subject}${entry.issuer ? ` issued by ${entry.issuer}` : ''}${entry.authorized ? '' : ' (not authorized)'}`;
    case 'session-goaway':
      return `${sessionName(entry)} received GOAWAY (code ${entry.code})`;
    case 'session-error':
      return `${sessionName(entry)} error: ${entry.code ? `${entry.code} ` : ''}${entry.message}`;
    case 'session-close-called': {
      const state = entry.alreadyClosed ? ', already closed' : entry.alreadyClosing ? ', already closing' : '';
      const streams = entry.openStreams > 0 ? `, ${entry.openStreams} open stream${entry.openStreams === 1 ? '' : 's'}` : '';
      return `${sessionName(entry)} ${entry.method}(${entry.hasCallback ? 'cb' : ''}) called${entry.by === 'node' ? ' by Node' : ''}${state}${streams}`;
    }
    case 'session-closed':
      return `${sessionName(entry)} 'close'`;
    case 'session-close-emitted-by-program':
      return `program calls ${sessionName(entry)}.emit('close') itself${entry.location ? ` at ${entry.location}` : ''} (not Node's event: not counted)`;
    case 'child-started':
      return `program starts process ${entry.pid}${entry.detached ? ' (detached)' : ''}: ${entry.command}`;
    case 'transpiled':
      return `${entry.file} transpiled (${entry.format})${entry.cached ? ', output from the cache' : ` by esbuild ${entry.esbuild ?? ''} in ${entry.ms === null ? '?' : entry.ms.toFixed(1)} ms`}`;
    case 'compile-error':
      return `${entry.file}${entry.line ? `:${entry.line}:${entry.column ?? 1}` : ''} did not compile: ${entry.message}`;
    case 'stream-opened':
      return `${entry.side === 'client' ? 'request' : 'stream'} #${entry.stream} on ${sessionName(entry)}: ${entry.method ?? '?'} ${entry.path ?? '?'}`;
    case 'response':
      return entry.side === 'server'
        ? `stream #${entry.stream} responds ${entry.status ?? '?'}`
        : `request #${entry.stream} got response status ${entry.status ?? '?'}`;
    case 'data':
      return `${entry.side === 'client' ? 'request' : 'stream'} #${entry.stream} data, ${entry.bytes} bytes: ${JSON.stringify(entry.text)}`;
    case 'stream-closed':
      return `${entry.side === 'client' ? 'request' : 'stream'} #${entry.stream} 'close'`;
    case 'listener-added': {
      const object =
        entry.target === 'server'
          ? `server #${entry.server}`
          : entry.target === 'stream'
            ? `${entry.side === 'client' ? 'request' : 'stream'} #${entry.stream}`
            : `${entry.side} session #${entry.session}`;
      return `program adds a '${entry.event}' listener to ${object}${entry.location ? ` at ${entry.location}` : ''}${entry.afterClose ? ' (already closed)' : ''}`;
    }
    case 'listener-ran':
      return `program's '${entry.event}' listener on ${entry.target === 'session' ? `${entry.side} session #${entry.session}` : entry.target} runs`;
    case 'uncaught':
      return `${entry.handled ? "exception caught by the program's process.on('uncaughtException')" : `uncaught ${entry.origin === 'unhandledRejection' ? 'rejection' : 'exception'}`}: ${entry.name}: ${entry.message}${entry.location ? ` at ${entry.location}` : ''}`;
    case 'exit':
      return `process exits with code ${entry.code}`;
  }
}

/** "[worker 1] ", "[process 1234] ", "[process 1234 worker 1] "; nothing for the program's main thread. */
function originLabel(entry: TimelineEntry, programPid: number | undefined): string {
  const parts: string[] = [];
  if (entry.where && programPid !== undefined && entry.where.pid !== programPid) parts.push(`process ${entry.where.pid}`);
  if (entry.where?.thread) parts.push(`worker ${entry.where.thread}`);
  return parts.length > 0 ? `[${parts.join(' ')}] ` : '';
}

function indent(text: string, max = 30): string[] {
  const lines = text.replace(/\n$/, '').split('\n');
  const shown = lines.slice(0, max).map((line) => `  | ${line}`);
  if (lines.length > max) shown.push(`  | ... ${lines.length - max} more lines`);
  return shown;
}

export function formatVerifyReport(result: VerifyResult): string {
  const out: string[] = [];
  const how =
    result.typescript.mode === 'esbuild'
      ? `TypeScript transpiled as it loads by esbuild${result.typescript.esbuild ? ` ${result.typescript.esbuild}` : ''} (${result.typescript.format ?? '?'}${result.typescript.cached ? ', cached output' : result.typescript.transpileMs !== null ? `, ${result.typescript.transpileMs.toFixed(1)} ms` : ''})`
      : 'JavaScript';
  out.push(`verify ${result.entry} in ${result.dir}`);
  out.push(`  Node ${result.node}, ${how}, PORT=${result.port}, timeout ${result.timeoutMs} ms`);
  if (result.portsTaken.length > 0 && result.failure !== 'port-taken')
    out.push(
      `  port${result.portsTaken.length === 1 ? '' : 's'} ${result.portsTaken.join(', ')} (chosen by verify) ${result.portsTaken.length === 1 ? 'was' : 'were'} taken before the program could listen; it was run again on ${result.port}`,
    );
  out.push('');

  if (result.timeline.length > 0) {
    out.push('Timeline (since the program was started):');
    const programPid = result.timeline.find((entry) => entry.type === 'probe-ready')?.pid;
    for (const entry of result.timeline) {
      const words = describeEvent(entry);
      if (words) out.push(`  ${time(entry.at)}  ${originLabel(entry, programPid)}${words}`);
    }
    if (result.timedOut && result.survivors.length === 0)
      out.push(`  ${time(result.durationMs)}  stopped at the timeout: the program and everything it started were killed, and are gone`);
    else if (result.timedOut)
      out.push(
        `  ${time(result.durationMs)}  stopped at the timeout: sent SIGKILL to the program and everything it started, but ${stillRunningWords(result.survivors)}`,
      );
    else if (result.signal) out.push(`  ${time(result.durationMs)}  killed by ${result.signal}`);
    for (const process of result.stopped) {
      out.push(
        `  ${time(result.durationMs)}  stopped process ${process.pid}${process.command ? ` (${process.command})` : ''}: the program started it and it was still running${result.timedOut ? '' : ' after the program exited'}`,
      );
    }
    out.push('');
  }

  if (result.compileError === null) {
    out.push("The tutorial's printed lines:");
    for (const line of result.tutorialLines) {
      out.push(`  ${line.appeared ? 'printed    ' : 'not printed'}  ${line.text}${line.why ? ` - ${line.why}` : ''}`);
    }
    out.push('');
    if (result.stdout.trim() !== '') {
      out.push('Program output:');
      out.push(...indent(result.stdout));
      out.push('');
    }
    if (!result.passed && result.stderr.trim() !== '') {
      out.push('Program errors:');
      out.push(...indent(result.stderr, 15));
      out.push('');
    }
  }

  out.push(result.passed ? `${paint(['bold', 'green'], 'PASS')}: ${result.summary}` : `${paint(['bold', 'red'], 'FAIL')}: ${result.reason ?? result.summary}`);
  return `${out.join('\n')}\n`;
}
