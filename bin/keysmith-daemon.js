#!/usr/bin/env node
// Thin launcher so `npx keysmith-daemon` runs the bundled daemon.
require('../dist/daemon.js');
