// Finds the daemon shared by every VS Code window (through `<dataDir>/daemon.json`), starts it
// detached when none answers, stops and restarts it, and notices when it goes away or comes back.
// "Answers" means proves it: a daemon.json that is not the user's own private file, or a process on its
// socket that cannot answer the health challenge, is refused and reported, never used or signalled.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DaemonInfo } from '../daemon/protocol';
import { proveDaemon } from '../common/daemonProof';
import { ImpostorError, type DaemonEndpoint, type EndpointSource } from './client';
import type { KeysmithSettings } from './config';
import { isRunning } from '../common/processAlive';
import { readDaemonFile, tailDaemonLog, UntrustedFileError } from './daemonFile';
import type { Log } from './log';

export type DaemonState = 'starting' | 'connected' | 'unreachable';

export interface DaemonProcessOptions {
  /** Absolute path of the bundled daemon, `<extensionPath>/dist/daemon.js`. */
  daemonScript: string;
  settings: () => KeysmithSettings;
  log: Log;
  /** How long a fresh daemon may take to answer; generous because CI machines are loaded. */
  startTimeoutMs?: number;
  heartbeatMs?: number;
  reconnectMs?: number;
}

const POLL_MS = 150;

export class DaemonProcess implements EndpointSource, vscode.Disposable {
  private info: DaemonInfo | undefined;
  /** `starting` until the first connect attempt settles, so nothing claims "unreachable" too early. */
  private currentState: DaemonState = 'starting';
  private pending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  private readonly stateEmitter = new vscode.EventEmitter<DaemonState>();
  /** Fires on every state change; `connected` again after a loss means "refresh your data". */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Why the daemon is unreachable, in words for the status bar tooltip. */
  lastProblem = '';

  constructor(private readonly options: DaemonProcessOptions) {}

  get state(): DaemonState {
    return this.currentState;
  }

  get dataDir(): string {
    return this.options.settings().dataDir;
  }

  /** On activation: use a running daemon, else start one when `keysmith.autoStart` allows. */
  async connect(): Promise<void> {
    try {
      if (await this.findRunning()) return;
    } catch (error) {
      return this.refuse(error);
    }
    if (this.options.settings().autoStart) {
      await this.start();
    } else {
      this.setUnreachable(vscode.l10n.t('No daemon is running and keysmith.autoStart is off.'));
    }
  }

  /** Starts a daemon unless one already answers; concurrent calls share one attempt. */
  start(): Promise<void> {
    this.pending ??= this.startOnce()
      .catch((error: unknown) => {
        if (error instanceof UntrustedFileError || error instanceof ImpostorError) return this.refuse(error);
        // e.g. a data dir that cannot be created: say so rather than stay "starting" forever.
        this.setUnreachable(
          vscode.l10n.t('The daemon did not start: {0}. See the Keysmith log.', error instanceof Error ? error.message : String(error)),
        );
      })
      .finally(() => (this.pending = undefined));
    return this.pending;
  }

  async stop(): Promise<void> {
    await this.pending?.catch(() => undefined);
    const info = (await readDaemonFile(this.dataDir).catch(() => undefined)) ?? this.info;
    this.info = undefined;
    // Only a pid whose socket proves it is this data dir's daemon: a stale card's pid may be reused.
    if (info && isRunning(info.pid) && (await proveDaemon(info.socket, info.token)).proved) {
      this.options.log.info(`Stopping the daemon (pid ${info.pid}).`);
      process.kill(info.pid, 'SIGTERM');
      if (!(await waitFor(() => !isRunning(info.pid), 10_000))) {
        this.options.log.warn(`The daemon (pid ${info.pid}) ignored SIGTERM for 10 s; killing it.`);
        process.kill(info.pid, 'SIGKILL');
      }
    }
    this.setUnreachable(vscode.l10n.t('The daemon was stopped.'));
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Checks now whether the daemon answers, and updates the state. */
  async checkNow(): Promise<DaemonState> {
    if (this.pending) await this.pending.catch(() => undefined);
    else {
      try {
        if (!(await this.findRunning()) && this.currentState !== 'unreachable') {
          this.setUnreachable(vscode.l10n.t('The daemon stopped answering.'));
        }
      } catch (error) {
        this.refuse(error);
      }
    }
    return this.currentState;
  }

  current(): DaemonEndpoint | undefined {
    return this.info;
  }

  async refresh(): Promise<DaemonEndpoint | undefined> {
    try {
      return (await this.findRunning()) ? this.info : undefined;
    } catch (error) {
      this.refuse(error);
      return undefined;
    }
  }

  lost(reason: string): void {
    if (this.currentState === 'connected') this.setUnreachable(vscode.l10n.t('The daemon stopped answering ({0}).', reason));
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.stateEmitter.dispose();
  }

  private async startOnce(): Promise<void> {
    if (await this.findRunning()) return;
    const { dataDir, port } = this.options.settings();
    const script = this.options.daemonScript;
    this.setState('starting');
    if (!fs.existsSync(script)) {
      this.setUnreachable(vscode.l10n.t('The daemon bundle {0} is missing; run the build.', script));
      return;
    }
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const logPath = path.join(dataDir, 'daemon.log');
    const out = fs.openSync(logPath, 'a', 0o600);
    this.options.log.info(`Starting the daemon with data dir ${dataDir}.`);
    let exited: string | undefined;
    try {
      // ELECTRON_RUN_AS_NODE makes a desktop VS Code's executable behave as plain Node.
      const child = spawn(process.execPath, [script, '--data-dir', dataDir, '--port', String(port)], {
        detached: true,
        stdio: ['ignore', out, out],
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        windowsHide: true,
      });
      child.on('error', (e) => (exited = e.message));
      child.on('exit', (code, signal) => (exited = signal ? `signal ${signal}` : `exit code ${code}`));
      child.unref();
    } finally {
      fs.closeSync(out);
    }
    // Another window may win the race to start; any daemon that answers on this data dir will do.
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 20_000);
    while (Date.now() < deadline && !this.disposed) {
      if (await this.findRunning()) return;
      if (exited) break;
      await delay(POLL_MS);
    }
    if (await this.findRunning()) return;
    const tail = await tailDaemonLog(logPath);
    const why = exited ? `it ended (${exited})` : 'it did not answer in time';
    this.options.log.error(`The daemon did not start: ${why}.${tail ? `\n${tail}` : ''}`);
    this.setUnreachable(vscode.l10n.t('The daemon did not start: {0}. See the Keysmith log.', why));
  }

  /**
   * True (and connected) when daemon.json names a daemon that proves itself on its socket; false when
   * nothing answers there. Throws (UntrustedFileError, ImpostorError) when what it finds must not be used.
   */
  private async findRunning(): Promise<boolean> {
    const info = await readDaemonFile(this.dataDir);
    if (!info) return false;
    const proof = await proveDaemon(info.socket, info.token);
    if (!proof.proved) {
      if (proof.answered) throw new ImpostorError(info.socket);
      return false;
    }
    const isNew = !this.info || this.info.socket !== info.socket || this.info.pid !== info.pid;
    this.info = info;
    if (isNew || this.currentState !== 'connected') {
      this.options.log.info(`Connected to the daemon ${info.version} on ${info.socket} (pid ${info.pid}, verify port ${info.port}).`);
    }
    // Another daemon than the one we were connected to (keysmith.dataDir changed): announce it even though
    // the state stays `connected`, so the member, the role and the tree are read again from it.
    this.setState('connected', isNew);
    return true;
  }

  /** A daemon.json or a socket that must not be trusted: say why, connect to nothing, start nothing. */
  private refuse(error: unknown): void {
    if (!(error instanceof UntrustedFileError || error instanceof ImpostorError)) throw error;
    const problem = vscode.l10n.t('Keysmith refuses to connect: {0}', error.message);
    // The reconnect poll meets the same refusal every few seconds: say it once, keep polling quietly.
    if (this.currentState === 'unreachable' && this.lastProblem === problem) return this.schedule();
    this.options.log.error(error.message);
    this.setUnreachable(problem);
  }

  private setUnreachable(problem: string): void {
    this.info = undefined;
    this.lastProblem = problem;
    this.options.log.warn(problem);
    this.setState('unreachable');
  }

  /** Fires onDidChangeState when the state changed, or when `announce` says another daemon answers now. */
  private setState(state: DaemonState, announce = false): void {
    if (state === 'connected') this.lastProblem = '';
    const changed = state !== this.currentState;
    this.currentState = state;
    if ((changed || announce) && !this.disposed) this.stateEmitter.fire(state);
    this.schedule();
  }

  /** A light heartbeat while connected, a reconnect poll while unreachable. */
  private schedule(): void {
    clearTimeout(this.timer);
    if (this.disposed || this.currentState === 'starting') return;
    const ms = this.currentState === 'connected' ? (this.options.heartbeatMs ?? 5_000) : (this.options.reconnectMs ?? 3_000);
    this.timer = setTimeout(() => void this.checkNow(), ms);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await delay(POLL_MS);
  }
  return condition();
}
