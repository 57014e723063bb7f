#!/usr/bin/env node
'use strict';
// Tiny launcher: loads the built CLI (dist/cli.js). CommonJS, because a CommonJS entry
// starts sooner than an ES module one on Node 20.
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

// Node 22.1+ keeps compiled code between runs; on Node 20 this does nothing. It lives in
// h2-setup's cache directory when H2_SETUP_CACHE_DIR names one (an empty value turns
// caching off), so a run with its own cache leaves nothing in the shared temporary one.
const cacheDir = process.env.H2_SETUP_CACHE_DIR;
if (cacheDir !== '') require('node:module').enableCompileCache?.(cacheDir ? join(cacheDir, 'node-compile-cache') : undefined);
import(pathToFileURL(join(__dirname, '..', 'dist', 'cli.js')).href);
