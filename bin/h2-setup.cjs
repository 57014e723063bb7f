#!/usr/bin/env node
'use strict';
// Tiny launcher: loads the built CLI (dist/cli.js). CommonJS, because a CommonJS entry
// starts sooner than an ES module one on Node 20.
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

// Node 22.1+ keeps compiled code between runs; on Node 20 this does nothing.
require('node:module').enableCompileCache?.();
import(pathToFileURL(join(__dirname, '..', 'dist', 'cli.js')).href);
