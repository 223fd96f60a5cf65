// The members routes (routes/members.ts) for the route table of operations.ts, which spreads them in
// once the routes are registered by app.ts. Refusals of their own: FORBIDDEN_ROLE when the member's
// role does not allow it (only admins and owners manage members, only owners manage owners, nobody
// removes the last owner), NOT_FOUND for an unknown name, STORE_UNAVAILABLE when the database is gone.
import { z } from 'zod';
import type * as protocol from '../protocol';
import { memberCreateSchema, memberPatchSchema, MEMBER_ROLES } from '../validation/members';
import type { Operation } from './operations';

export const member = z.object({
  name: z.string(),
  role: z.enum(MEMBER_ROLES),
  createdAt: z.string().meta({ format: 'date-time' }),
});
export const memberList = z.object({ items: z.array(member) });

/** Component names for document.ts's NAMED table. */
export const MEMBER_SCHEMAS: Record<string, z.ZodType> = {
  MemberCreate: memberCreateSchema,
  MemberPatch: memberPatchSchema,
  Member: member,
  MemberList: memberList,
};

const forbidden =
  'FORBIDDEN_ROLE: your role does not allow this (members are managed by admins; owners by owners only; the last owner stays).';
const unavailable = 'STORE_UNAVAILABLE: the team store (PostgreSQL) cannot be reached; nothing was changed.';
const unknown = 'NOT_FOUND: no member has this name.';

export const MEMBER_OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/v1/members',
    tag: 'members',
    summary: "The team store's members and their roles.",
    success: { status: 200, description: 'Every member, by name.', schema: memberList },
    refusals: { 403: forbidden, 503: unavailable },
  },
  {
    method: 'post',
    path: '/v1/members',
    tag: 'members',
    summary: 'Add a member: a database login in one role. The password is never returned nor logged.',
    body: { schema: memberCreateSchema },
    success: { status: 201, description: 'The new member.', schema: member },
    refusals: { 400: 'VALIDATION_FAILED: a bad name or role, or a name already taken.', 403: forbidden, 503: unavailable },
  },
  {
    method: 'patch',
    path: '/v1/members/:name',
    tag: 'members',
    summary: "Change a member's role.",
    body: { schema: memberPatchSchema },
    success: { status: 200, description: 'The member with its new role.', schema: member },
    refusals: { 400: 'VALIDATION_FAILED: not a role.', 403: forbidden, 404: unknown, 503: unavailable },
  },
  {
    method: 'delete',
    path: '/v1/members/:name',
    tag: 'members',
    summary: 'Remove a member (its database login is dropped; the keys it created keep its name).',
    success: { status: 204, description: 'Removed.' },
    refusals: { 403: forbidden, 404: unknown, 503: unavailable },
  },
];

// Compile-time: the schemas accept exactly the protocol types (as responseSchemas.ts checks its own).
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type MemberSchemasMatchProtocol = [
  Holds<Mutual<z.input<typeof member>, protocol.Member>>,
  Holds<Mutual<z.input<typeof memberList>, protocol.MemberList>>,
  Holds<Mutual<z.input<typeof memberCreateSchema>, protocol.MemberCreateRequest>>,
];
