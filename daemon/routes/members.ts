// Members of a team store: list, add, change the role of, remove. Who may do what is decided by the
// store (on PostgreSQL, by the database itself: migration 002), which answers FORBIDDEN_ROLE; the store
// also writes the audit events, so a change made with psql is audited the same way.
import { Router } from 'express';
import { KeysmithError } from '../errors';
import type { MemberRepository } from '../store/repositories';
import { validate } from '../validation/parse';
import { memberCreateSchema, memberPatchSchema } from '../validation/members';

const noMember = () => new KeysmithError('NOT_FOUND', 'No member has this name; list them with GET /v1/members.');

export function memberRoutes(members: MemberRepository): Router {
  const router = Router();
  router.get('/v1/members', async (_req, res) => {
    res.json({ items: await members.list() });
  });
  router.post('/v1/members', async (req, res) => {
    const { name, role, password } = validate(memberCreateSchema, req.body);
    res.status(201).json(await members.add({ name, role, createdAt: new Date().toISOString() }, password));
  });
  router.patch('/v1/members/:name', async (req, res) => {
    const { role } = validate(memberPatchSchema, req.body);
    if ((await members.get(req.params.name)) === undefined) throw noMember();
    res.json(await members.setRole(req.params.name, role));
  });
  router.delete('/v1/members/:name', async (req, res) => {
    if (!(await members.remove(req.params.name))) throw noMember();
    res.status(204).end();
  });
  return router;
}
