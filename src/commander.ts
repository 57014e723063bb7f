/**
 * commander, loaded with require() rather than `import`: commander is CommonJS, and on
 * Node 20 importing it from an ES module goes through the ESM-to-CommonJS translator
 * (a lexer pass over its source for named exports), which costs about 7 ms of a start-up
 * that is compared against a bare `node` (bench/help.mjs, bench/verify.mjs).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const commander = require('commander') as typeof import('commander');

export const { Command, CommanderError, Option } = commander;
export type Command = import('commander').Command;
export type CommanderError = import('commander').CommanderError;
