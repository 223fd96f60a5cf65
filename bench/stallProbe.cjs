// Preloaded into the daemon for the creation bench (node --require bench/stallProbe.cjs dist/daemon.js ...):
// measures event-loop stalls from inside the daemon process without any change to the daemon.
//
// perf_hooks.monitorEventLoopDelay fires a timer every RESOLUTION_MS and records how long each interval
// really took; the longest interval minus RESOLUTION_MS is the longest time the loop could not run a
// callback (a request, a verify, a timer) — the stall.
//
// Protocol with the bench runner, through the file named by KEYSMITH_STALL_FILE:
//   - on SIGUSR2: write the statistics since the last SIGUSR2 (with an increasing `seq`), then reset;
//     the runner signals once before a phase (to start a clean window) and once after (to read it);
//   - every second: write the running window too (`seq` unchanged), so a crash still leaves a figure.
'use strict';
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { writeFileSync, renameSync } = require('node:fs');

const RESOLUTION_MS = 5;
const file = process.env.KEYSMITH_STALL_FILE;

if (file) {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let seq = 0;
  let windowStartedAt = Date.now();

  const write = () => {
    const toMs = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    const stats = {
      seq,
      windowMs: Date.now() - windowStartedAt,
      samples: histogram.count,
      maxStallMs: histogram.count > 0 ? toMs(histogram.max) : 0,
      p99StallMs: histogram.count > 0 ? toMs(histogram.percentile(99)) : 0,
    };
    // Write then rename, so the runner never reads half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify(stats));
    renameSync(`${file}.tmp`, file);
  };

  process.on('SIGUSR2', () => {
    seq += 1;
    write();
    histogram.reset();
    windowStartedAt = Date.now();
  });
  setInterval(write, 1_000).unref();
}
