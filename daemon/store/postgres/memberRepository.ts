// Members of a PostgreSQL store, for now: the connected role alone, as owner. Roles and row-level
// security (who may issue, audit or verify) come with a later migration and replace this.
import type { MemberRecord, MemberRepository, MemberRole } from '../repositories';
import type { Session } from './session';

const NOT_YET = 'Managing members of a PostgreSQL store is not available yet: roles come with a later schema migration.';

export class ConnectedRoleMembers implements MemberRepository {
  constructor(
    private readonly session: Session,
    /** The name the daemon acts as, when the caller set one; else the database role. */
    private readonly member?: string,
  ) {}

  async current(): Promise<MemberRecord> {
    // The store's creation (its first migration) stands for when the owner joined.
    const { rows } = await this.session.query<{ role: string; since: Date | null }>(
      'SELECT current_user AS role, (SELECT min(applied_at) FROM keysmith_migrations) AS since',
    );
    const row = rows[0];
    return { name: this.member ?? row?.role ?? 'postgres', role: 'owner', createdAt: (row?.since ?? new Date(0)).toISOString() };
  }

  async list(): Promise<MemberRecord[]> {
    return [await this.current()];
  }

  async get(name: string): Promise<MemberRecord | undefined> {
    const current = await this.current();
    return current.name === name ? current : undefined;
  }

  async add(_member: MemberRecord, _password?: string): Promise<MemberRecord> {
    throw new Error(NOT_YET);
  }

  async setRole(_name: string, _role: MemberRole): Promise<MemberRecord> {
    throw new Error(NOT_YET);
  }

  async remove(_name: string): Promise<boolean> {
    throw new Error(NOT_YET);
  }
}
