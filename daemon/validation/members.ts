// Request bodies of the members routes. A member name becomes a database role name: the same rule as
// migration 002's keysmith_add_member (which checks it again), so a bad name is refused here with a
// field-by-field answer before anything reaches the database. The password is never echoed.
import { z } from 'zod';

export const MEMBER_NAME_PATTERN = /^[a-z][a-z0-9_.-]{0,62}$/;
export const MEMBER_ROLES = ['owner', 'admin', 'issuer', 'auditor', 'verifier'] as const;

const NAME_RULE = 'a member name is 1 to 63 lower-case letters, digits, _ . or -, starting with a letter (not pg_ or keysmith_)';

export const memberName = z
  .string({ error: 'name must be a string' })
  .regex(MEMBER_NAME_PATTERN, { error: NAME_RULE })
  .refine((name) => !/^(pg_|keysmith_)/.test(name), { error: NAME_RULE });

export const memberRole = z.enum(MEMBER_ROLES, { error: `role must be one of ${MEMBER_ROLES.join(', ')}` });

export const memberCreateSchema = z.strictObject({
  name: memberName,
  role: memberRole,
  password: z
    .string({ error: 'password must be a string' })
    .min(12, { error: 'password must be at least 12 characters' })
    .max(1024, { error: 'password must be at most 1024 characters' })
    .optional(),
});

export const memberPatchSchema = z.strictObject({ role: memberRole });
