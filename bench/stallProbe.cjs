// Preloaded into the daemon for the creation bench (node --require bench/stallProbe.cjs dist/daemon.js ...):
// measures event-loop stalls from inside the daemon process without any change to the daemon.
//
// Two probes on the daemon's own event loop:
//  - perf_hooks.monitorEventLoopDelay fires a timer every RESOLUTION_MS and records how long each
//    interval really took; the longest interval minus RESOLUTION_MS is the longest time the loop could
//    not run a callback (a request, a verify, a timer) — the stall.
//  - a timer-drift probe on the same period also notes the process CPU time spent during each gap:
//    close to the gap means the daemon itself was busy (its own stall); far below means it was waiting
//    for a core (another process had it — a loaded machine, not the daemon's fault). `maxBusyStallMs`
//    is the longest gap counted only up to the CPU the process used in it: an upper bound of the stall
//    the daemon caused itself (upper, because GC helper and thread-pool threads add CPU too).
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
  let longestGap = { ms: 0, cpuMs: 0 };
  let maxBusyStallMs = 0;

  let lastTick = performance.now();
  let lastCpu = process.cpuUsage();
  const tick = () => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const gapMs = now - lastTick - RESOLUTION_MS;
    const cpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    if (gapMs > longestGap.ms) longestGap = { ms: gapMs, cpuMs };
    maxBusyStallMs = Math.max(maxBusyStallMs, Math.min(gapMs, cpuMs));
    lastTick = now;
    lastCpu = cpu;
  };
  setInterval(tick, RESOLUTION_MS).unref();

  const write = () => {
    const toStallMs = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    const stats = {
      seq,
      windowMs: Date.now() - windowStartedAt,
      samples: histogram.count,
      maxStallMs: histogram.count > 0 ? toStallMs(histogram.max) : 0,
      p99StallMs: histogram.count > 0 ? toStallMs(histogram.percentile(99)) : 0,
      longestGapMs: longestGap.ms,
      longestGapCpuMs: longestGap.cpuMs,
      maxBusyStallMs,
    };
    // Write then rename, so the runner never reads half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify(stats));
    renameSync(`${file}.tmp`, file);
  };

  process.on('SIGUSR2', () => {
    seq += 1;
    write();
    histogram.reset();
    longestGap = { ms: 0, cpuMs: 0 };
    maxBusyStallMs = 0;
    windowStartedAt = Date.now();
  });
  setInterval(write, 1_000).unref();
}
