#!/usr/bin/env node
'use strict';
// Tiny launcher, CommonJS because a CommonJS entry starts about 6 ms faster than an
// ES module entry on Node 20. `--help` and `--version` are answered from text
// commander rendered at build time (scripts/render-help.mjs), because loading
// commander costs about as much again as starting Node. `verify` and `certs` go to
// an entry that reads their flags without commander (see src/fast-cli.ts), and
// everything else to the built CLI.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

// Node 22.1+ can keep compiled code between runs; on Node 20 this does nothing.
require('node:module').enableCompileCache?.();

const args = process.argv.slice(2);
const isHelp = (arg) => arg === '--help' || arg === '-h';
const isVersion = (arg) => arg === '--version' || arg === '-v';

function prerendered() {
  if (args.length > 2 || !args.some((arg) => isHelp(arg) || isVersion(arg) || arg === 'help')) return undefined;
  const help = JSON.parse(readFileSync(join(__dirname, '..', 'dist', 'help.json'), 'utf8'));
  if (args.length === 1 && isVersion(args[0])) return help.version;
  if (args.length === 1 && isHelp(args[0])) return help.commands[''];
  if (args.length === 2 && isHelp(args[1])) return help.commands[args[0]];
  if (args.length === 2 && args[0] === 'help') return help.commands[args[1]];
  return undefined;
}

const text = prerendered();
if (text !== undefined) process.stdout.write(text);
else import(pathToFileURL(join(__dirname, '..', 'dist', args[0] === 'verify' || args[0] === 'certs' ? 'fast-cli.js' : 'cli.js')).href);
