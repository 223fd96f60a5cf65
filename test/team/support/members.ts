// Members of a test database, each with its own login: a PostgresStore opened as the member, and psql
// run as the member (PGPASSWORD in its environment, never on a command line).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { openPostgresStore, type PostgresStore } from '../../../daemon/store/postgres/postgresStore';
import type { MemberRole } from '../../../daemon/store/repositories';

const run = promisify(execFile);

export interface TestMember {
  name: string;
  role: MemberRole;
  password: string;
  /** The store URL with this member's login. */
  url: string;
}

/** Roles are cluster-wide and the test server is shared by the whole mocha process: unique names. */
export const uniqueName = (label: string) => `${label}_${randomBytes(4).toString('hex')}`;

export const newPassword = () => `pw-${randomBytes(12).toString('base64url')}`;

export function memberUrl(databaseUrl: string, name: string, password: string): string {
  const url = new URL(databaseUrl);
  url.username = name;
  url.password = password;
  return url.toString();
}

/** Adds a member through `store` (keysmith_add_member, as whoever the store connects as). */
export async function addMember(store: PostgresStore, databaseUrl: string, label: string, role: MemberRole): Promise<TestMember> {
  const name = uniqueName(label);
  const password = newPassword();
  await store.members.add({ name, role, createdAt: new Date().toISOString() }, password);
  return { name, role, password, url: memberUrl(databaseUrl, name, password) };
}

export const openAs = (member: Pick<TestMember, 'url'>): Promise<PostgresStore> =>
  openPostgresStore({ url: member.url, usageFlushMs: 60_000 });

export interface PsqlResult {
  ok: boolean;
  /** Unaligned, tuples only: one line per row, `|` between columns. */
  stdout: string;
  stderr: string;
}

/** One psql -c as the member, stopping at the first error (ON_ERROR_STOP), as a person would type it. */
export async function psqlAs(member: Pick<TestMember, 'url'>, sql: string): Promise<PsqlResult> {
  const url = new URL(member.url);
  const args = ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', url.hostname, '-p', url.port, '-U', decodeURIComponent(url.username)];
  args.push('-d', url.pathname.slice(1), '-c', sql);
  try {
    const { stdout, stderr } = await run('/usr/bin/psql', args, {
      env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password), PGCONNECT_TIMEOUT: '10' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { ok: true, stdout: stdout.trim(), stderr };
  } catch (error: any) {
    if (typeof error.code !== 'number') throw error;
    return { ok: false, stdout: String(error.stdout ?? '').trim(), stderr: String(error.stderr ?? '') };
  }
}
