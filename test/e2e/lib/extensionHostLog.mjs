// Reads VS Code's own log files for the moments the activation bench needs: the extension host logs
// "ExtensionService#_doActivateExtension <id>" (and flushes) just before it calls the extension's
// `activate`, and Keysmith's output channel logs "Connected to the daemon". Both are written by
// processes on this machine with VS Code's local-time, millisecond timestamps, so they compare with
// Date.now() here and in the page. The log layout under `logs/` differs between VS Code builds, so
// every *.log below it is searched rather than one path assumed.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}) /;

/** VS Code's "2026-11-29 18:30:00.123 [info] ..." prefix as epoch milliseconds, or undefined. */
export function parseLogTimestamp(line) {
  const m = TIMESTAMP.exec(line);
  if (!m) return undefined;
  const [year, month, day, hours, minutes, seconds, ms] = m.slice(1).map(Number);
  return new Date(year, month - 1, day, hours, minutes, seconds, ms).getTime();
}

function logFilesUnder(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return []; // No logs yet.
  }
  return entries.flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return logFilesUnder(full);
    return entry.name.endsWith('.log') ? [full] : [];
  });
}

/** Timestamps (ms) of every line under `<userDataDir>/logs` that contains `text`, oldest first. */
export function loggedTimes(userDataDir, text) {
  const times = [];
  for (const file of logFilesUnder(path.join(userDataDir, 'logs'))) {
    let content;
    try {
      content = readFileSync(file, 'utf8');
    } catch {
      continue; // Rotated away while we looked.
    }
    for (const line of content.split('\n')) {
      if (!line.includes(text)) continue;
      const at = parseLogTimestamp(line);
      if (at !== undefined) times.push(at);
    }
  }
  return times.sort((a, b) => a - b);
}

/**
 * The first time at or after `since` that a line containing `text` was logged, polling until
 * `timeoutMs` because the extension host writes its log asynchronously.
 */
export async function firstLoggedSince(userDataDir, text, since, { timeoutMs = 10_000 } = {}) {
  // Log timestamps are truncated to the millisecond; `since` is not.
  const from = Math.floor(since);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = loggedTimes(userDataDir, text).find((at) => at >= from);
    if (found !== undefined) return found;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
