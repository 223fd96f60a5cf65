// CPU time used by processes, from /proc (Linux): how the team bench splits the cost of a create between
// daemon A, daemon B, PostgreSQL (the postmaster and all its backends) and the bench's own client.
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux the bench runs on.

/** utime + stime of a process in ms; 0 once it is gone. */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": utime and stime are fields 14 and 15, counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The postmaster serving `url` and its children now (backends come and go: read it per phase). */
export function serverProcesses(postmaster: number): number[] {
  const pids = [postmaster];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster) pids.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return pids;
}

/** The postmaster's pid: the parent of a backend we connect to. */
export async function postmasterOf(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const stat = readFileSync(`/proc/${rows[0]!.pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } finally {
    await client.end();
  }
}

/**
 * CPU of PostgreSQL during `work`: backends that ended inside it are not counted (their time is lost
 * with them), so the pools in use must stay open across it, as the bench's do.
 */
export async function withCpu<T>(
  pids: { daemons: number[]; postmaster: number },
  work: () => Promise<T>,
): Promise<{ result: T; daemonsMs: number[]; postgresMs: number; clientMs: number }> {
  const server = serverProcesses(pids.postmaster);
  const before = {
    daemons: pids.daemons.map(cpuMsOf),
    server: new Map(server.map((pid) => [pid, cpuMsOf(pid)])),
    client: process.cpuUsage(),
  };
  const result = await work();
  const client = process.cpuUsage(before.client);
  let postgresMs = 0;
  for (const pid of serverProcesses(pids.postmaster)) postgresMs += cpuMsOf(pid) - (before.server.get(pid) ?? 0);
  return {
    result,
    daemonsMs: pids.daemons.map((pid, i) => cpuMsOf(pid) - before.daemons[i]!),
    postgresMs,
    clientMs: (client.user + client.system) / 1000,
  };
}
