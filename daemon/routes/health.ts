// GET /v1/health: no token needed. On the admin socket, `?challenge=<32-128 hex>` adds `proof`, the
// daemon's answer to a client that must know who it talks to before sending the admin token; the socket
// answer also names the store and the member the daemon acts as, so a client can show them and offer
// only what the member's role allows.
import { Router } from 'express';
import { CHALLENGE_PARAM, CHALLENGE_PATTERN } from '../../common/daemonProof';
import { KeysmithError } from '../errors';
import { arrivedOnAdminSocket } from '../http/transport';
import type { Health, Member } from '../protocol';
import { DAEMON_VERSION } from '../version';

export interface Prover {
  prove(challenge: string): string;
}

/** The part of the store health tells about: its description and who this daemon is on it. */
export interface StoreIdentity {
  readonly description: string;
  members: { current(): Promise<Member> };
}

export function healthRoutes(prover: Prover, store: StoreIdentity): Router {
  const router = Router();
  router.get('/v1/health', async (req, res) => {
    const body: Health = { status: 'ok', version: DAEMON_VERSION };
    const onSocket = arrivedOnAdminSocket(req);
    const challenge = req.query[CHALLENGE_PARAM];
    if (challenge !== undefined) {
      if (typeof challenge !== 'string' || !CHALLENGE_PATTERN.test(challenge)) {
        throw new KeysmithError('INVALID_CHALLENGE', `${CHALLENGE_PARAM} must be 32 to 128 lowercase hex digits.`);
      }
      // Only on the socket: the TCP port is reachable by every local process, and needs no proof.
      if (onSocket) body.proof = prover.prove(challenge);
    }
    // Who the daemon acts as is nobody else's business: every local process can reach the TCP port.
    if (onSocket) {
      const { name, role } = await store.members.current();
      body.store = store.description;
      body.member = { name, role };
    }
    res.json(body);
  });
  return router;
}
