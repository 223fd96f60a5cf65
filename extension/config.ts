// Typed access to the `keysmith.*` settings, read fresh each time so changes apply without reload.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Environment } from '../daemon/protocol';

export interface KeysmithSettings {
  /** Absolute data directory of the daemon. */
  dataDir: string;
  /** Port for a daemon this window starts; 0 lets the daemon pick a free one. */
  port: number;
  autoStart: boolean;
  expiryWarningDays: number;
  clipboardClearSeconds: number;
  defaultEnvironment: Environment;
  /** Mapped test keys as environment variables in the integrated terminals (terminalEnv.ts). */
  terminalEnvEnabled: boolean;
}

export function readSettings(): KeysmithSettings {
  const c = vscode.workspace.getConfiguration('keysmith');
  const configuredDir = c.get<string>('dataDir', '').trim();
  return {
    dataDir: configuredDir ? path.resolve(expandHome(configuredDir)) : defaultDataDir(),
    port: clampInt(c.get<number>('port', 0), 0, 65535),
    autoStart: c.get<boolean>('autoStart', true),
    expiryWarningDays: clampInt(c.get<number>('expiryWarningDays', 14), 0, 3650),
    clipboardClearSeconds: clampInt(c.get<number>('clipboardClearSeconds', 30), 0, 3600),
    defaultEnvironment: c.get<string>('defaultEnvironment') === 'production' ? 'production' : 'test',
    terminalEnvEnabled: c.get<boolean>('terminalEnv.enabled', false),
  };
}

/** The daemon's own default (docs/API.md): KEYSMITH_DATA_DIR, else the XDG data home. */
export function defaultDataDir(): string {
  const fromEnv = process.env.KEYSMITH_DATA_DIR?.trim();
  if (fromEnv) return path.resolve(fromEnv);
  const xdg = process.env.XDG_DATA_HOME?.trim();
  return path.join(xdg || path.join(os.homedir(), '.local', 'share'), 'keysmith');
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

function clampInt(value: number, min: number, max: number): number {
  const n = Number.isFinite(value) ? Math.trunc(value) : min;
  return Math.min(max, Math.max(min, n));
}
