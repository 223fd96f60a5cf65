// A real team for the extension-host tests: one throwaway PostgreSQL server, one database, the schema
// set up by a daemon running as the schema owner (as docs/team.md "Set up, step by step" does it),
// members added with the `keysmith members add` CLI, and one real daemon (dist/daemon.js, a child
// process) per member, each in its own data dir. Tests point the extension at a member's data dir.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { MemberRole } from '../../daemon/protocol';
import { startPostgresServer, withClient, type PostgresServer } from '../support/postgresServer';
import { TempDirs } from '../support/tempDirs';

export interface TeamMember {
  name: string;
  role: MemberRole;
  /** The member's login, password included: only the daemon's --store argument ever holds it. */
  storeUrl: string;
  password: string;
  /** The member's own data dir, where its daemon writes daemon.json. */
  dataDir: string;
}

const DATABASE = 'keysmith_team';
const SCHEMA_OWNER = 'keysmith_schema';

export class TeamStore {
  private readonly dirs = new TempDirs();
  private readonly children: ChildProcess[] = [];
  private server: PostgresServer | undefined;
  /** The team's master key: the sealing members' daemons share it (docs/team.md, step 2). */
  private readonly masterKey = randomBytes(32).toString('base64');
  readonly members = new Map<string, TeamMember>();

  constructor(private readonly extensionPath: string) {}

  /** Server, database, schema and members; then a daemon for each member, started once. */
  async start(members: Array<{ name: string; role: MemberRole }>): Promise<void> {
    const server = (this.server = await startPostgresServer({ fsync: false }));
    const schemaPassword = secret();
    await withClient(server.url, async (admin) => {
      await admin.query(`CREATE ROLE ${SCHEMA_OWNER} LOGIN CREATEROLE PASSWORD '${schemaPassword}'`);
      await admin.query(`CREATE DATABASE ${DATABASE} OWNER ${SCHEMA_OWNER}`);
    });
    const urlFor = (login: string, password: string) => `postgres://${login}:${password}@${server.host}:${server.port}/${DATABASE}`;

    // Step 3: the schema owner's daemon migrates, the CLI adds the members through it, then it stops.
    const setupDir = await this.dirs.make('team-setup');
    const setup = await this.startDaemon(setupDir, urlFor(SCHEMA_OWNER, schemaPassword), true);
    for (const { name, role } of members) {
      const password = secret();
      await this.runCli(setupDir, ['members', 'add', name, '--role', role, '--password-stdin'], `${password}\n`);
      this.members.set(name, { name, role, password, storeUrl: urlFor(name, password), dataDir: '' });
    }
    await stopChild(setup);

    // Step 4: each member's daemon, with its own login; auditors and verifiers get no master key.
    await Promise.all(
      [...this.members.values()].map(async (member) => {
        member.dataDir = await this.dirs.make(`team-${member.name}`);
        const sealing = member.role !== 'auditor' && member.role !== 'verifier';
        await this.startDaemon(member.dataDir, member.storeUrl, sealing);
      }),
    );
  }

  member(name: string): TeamMember {
    const member = this.members.get(name);
    assert.ok(member, `no team member ${name}`);
    return member;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.children.splice(0).map(stopChild));
    await this.server?.dispose();
    await this.dirs.removeAll();
  }

  private async startDaemon(dataDir: string, storeUrl: string, withMasterKey: boolean): Promise<ChildProcess> {
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
    delete env.KEYSMITH_STORE_URL;
    delete env.KEYSMITH_MASTER_KEY_FILE;
    if (withMasterKey) env.KEYSMITH_MASTER_KEY = this.masterKey;
    else delete env.KEYSMITH_MASTER_KEY;
    const script = path.join(this.extensionPath, 'dist', 'daemon.js');
    const child = spawn(process.execPath, [script, '--data-dir', dataDir, '--port', '0', '--store', storeUrl], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let exited: string | undefined;
    child.on('exit', (code, signal) => (exited = signal ?? String(code)));
    const cardFile = path.join(dataDir, 'daemon.json');
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && exited === undefined) {
      if (existsSync(cardFile)) {
        const card = JSON.parse(readFileSync(cardFile, 'utf8')) as { pid: number };
        if (card.pid === child.pid) return child;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Its own output says why; the store URL's password is cut out in case an error quoted it.
    const password = new URL(storeUrl).password;
    assert.fail(`the team daemon in ${dataDir} did not start (${exited ?? 'timed out'}):\n${output.split(password).join('***')}`);
  }

  private async runCli(dataDir: string, args: string[], stdin: string): Promise<string> {
    const script = path.join(this.extensionPath, 'dist', 'cli.js');
    const child = spawn(process.execPath, [script, '--data-dir', dataDir, ...args], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdin.end(stdin);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, `keysmith ${args.slice(0, 3).join(' ')} failed: ${output}`);
    return output;
  }
}

/** A login's password: letters and digits only, so it needs no quoting in SQL or a URL. */
function secret(): string {
  return randomBytes(18).toString('hex');
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
