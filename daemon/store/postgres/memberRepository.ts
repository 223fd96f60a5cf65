// Members of a PostgreSQL store are database roles (migration 002): this daemon acts as the login it
// connects with (session_user), and members are listed, added, moved and removed through the schema's
// SECURITY DEFINER functions, which decide who may do what; this class only words their answers.
import { KeysmithError } from '../../errors';
import type { MemberRecord, MemberRepository, MemberRole } from '../repositories';
import { forbiddenRole } from './errors';
import { scramVerifier } from './scramVerifier';
import type { Identity, Session } from './session';

interface MemberRow {
  name: string;
  role: MemberRole | null;
  created_at: Date;
}

const ROLES: readonly MemberRole[] = ['owner', 'admin', 'issuer', 'auditor', 'verifier'];

function memberFromRow(row: MemberRow): MemberRecord {
  // A login left without a keysmith group (changed by hand) is listed, with no rights, as a verifier would
  // be listed: never as more than it is. The database refuses everything else it tries.
  return { name: row.name, role: row.role ?? 'verifier', createdAt: row.created_at.toISOString() };
}

/** The refusals the member functions raise, as the core's error codes. */
function memberError(error: unknown, identity: Identity): unknown {
  const pgError = error as { code?: string; message?: string };
  const own = /^keysmith: (.*)$/s.exec(pgError?.message ?? '')?.[1];
  if (own === undefined) return error;
  if (pgError.code === '22023') return new KeysmithError('VALIDATION_FAILED', `${capitalized(own)}.`);
  if (pgError.code === '42710')
    return new KeysmithError('VALIDATION_FAILED', `${capitalized(own)}; choose another name.`, { name: 'taken' });
  if (pgError.code === 'P0002') return new KeysmithError('NOT_FOUND', `${capitalized(own)}; list them with keysmith members list.`);
  if (pgError.code === '23514') return new KeysmithError('FORBIDDEN_ROLE', `${capitalized(own)}.`);
  if (pgError.code === '42501') return forbiddenRole(identity.role ?? 'none', own);
  return error;
}

function onlyRow<R>(rows: R[]): R {
  const row = rows[0];
  if (row === undefined) throw new Error('A member function returned no row.');
  return row;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export class PostgresMemberRepository implements MemberRepository {
  constructor(
    private readonly session: Session,
    private readonly identity: Identity,
  ) {}

  async current(): Promise<MemberRecord> {
    const { rows } = await this.call<MemberRow>('SELECT * FROM keysmith_current_member()');
    const row = rows[0];
    if (row?.role === null || row?.role === undefined) {
      throw new KeysmithError(
        'FORBIDDEN_ROLE',
        `The database login ${row?.name ?? ''} is not a Keysmith member of this store; an admin adds members with keysmith members add.`,
      );
    }
    return memberFromRow(row);
  }

  async list(): Promise<MemberRecord[]> {
    const { rows } = await this.call<MemberRow>('SELECT * FROM keysmith_members()');
    return rows.map(memberFromRow);
  }

  async get(name: string): Promise<MemberRecord | undefined> {
    return (await this.list()).find((member) => member.name === name);
  }

  async add(member: MemberRecord, password?: string): Promise<MemberRecord> {
    assertRole(member.role);
    // Only the password's SCRAM verifier is sent (scramVerifier.ts), as a bind parameter: never in the
    // statement's text, which an error log line repeats.
    const verifier = password === undefined ? null : scramVerifier(password);
    const { rows } = await this.call<MemberRow>('SELECT * FROM keysmith_add_member($1, $2, $3)', [member.name, member.role, verifier]);
    return memberFromRow(onlyRow(rows));
  }

  async setRole(name: string, role: MemberRole): Promise<MemberRecord> {
    assertRole(role);
    const { rows } = await this.call<MemberRow>('SELECT * FROM keysmith_set_member_role($1, $2)', [name, role]);
    return memberFromRow(onlyRow(rows));
  }

  async remove(name: string): Promise<boolean> {
    const { rows } = await this.call<{ removed: boolean }>('SELECT keysmith_remove_member($1) AS removed', [name]);
    return rows[0]?.removed === true;
  }

  private async call<R extends object>(text: string, values?: unknown[]) {
    try {
      return await this.session.query<R & Record<string, unknown>>(text, values);
    } catch (error) {
      throw memberError(error, this.identity);
    }
  }
}

function assertRole(role: string): asserts role is MemberRole {
  if (!ROLES.includes(role as MemberRole)) {
    throw new KeysmithError('VALIDATION_FAILED', `The role must be one of ${ROLES.join(', ')}.`, { role: 'unknown' });
  }
}
