#!/usr/bin/env node
// Thin launcher so `npx keysmith` runs the bundled CLI.
require('../dist/cli.js');
