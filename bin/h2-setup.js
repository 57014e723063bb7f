#!/usr/bin/env node
// Tiny launcher: everything lives in the built CLI so that `npm ci` (which builds
// through `prepare`) and a packed install behave the same.
import '../dist/cli.js';
