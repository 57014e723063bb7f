// Renders every --help text (and the version) from the commander program at build
// time into dist/help.json, so that bin/h2-setup.js can answer `--help` and
// `--version` without loading commander: on Node 20 commander's own load is about
// 15 ms of the 35 ms a bare `node` start takes, which would put --help at twice a
// bare start. A test checks that the fast path prints exactly what commander does.
import { writeFileSync } from 'node:fs';

const { createProgram } = await import('../dist/program.js');
const program = createProgram();

function render(command) {
  let text = '';
  command.configureOutput({ writeOut: (chunk) => (text += chunk), getOutHelpWidth: () => 80 });
  command.outputHelp();
  return text;
}

const help = { version: `${program.version()}\n`, commands: { '': render(program) } };
for (const command of program.commands) help.commands[command.name()] = render(command);
writeFileSync(new URL('../dist/help.json', import.meta.url), `${JSON.stringify(help, null, 2)}\n`);
