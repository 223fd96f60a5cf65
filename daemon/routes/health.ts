// GET /v1/health: no token needed. On the admin socket, `?challenge=<32-128 hex>` adds `proof`, the
// daemon's answer to a client that must know who it talks to before sending the admin token.
import { Router } from 'express';
import { CHALLENGE_PARAM, CHALLENGE_PATTERN } from '../../common/daemonProof';
import { KeysmithError } from '../errors';
import { arrivedOnAdminSocket } from '../http/transport';
import type { Health } from '../protocol';
import { DAEMON_VERSION } from '../version';

export interface Prover {
  prove(challenge: string): string;
}

export function healthRoutes(prover: Prover): Router {
  const router = Router();
  router.get('/v1/health', (req, res) => {
    const body: Health = { status: 'ok', version: DAEMON_VERSION };
    const challenge = req.query[CHALLENGE_PARAM];
    if (challenge !== undefined) {
      if (typeof challenge !== 'string' || !CHALLENGE_PATTERN.test(challenge)) {
        throw new KeysmithError('INVALID_CHALLENGE', `${CHALLENGE_PARAM} must be 32 to 128 lowercase hex digits.`);
      }
      // Only on the socket: the TCP port is reachable by every local process, and needs no proof.
      if (arrivedOnAdminSocket(req)) body.proof = prover.prove(challenge);
    }
    res.json(body);
  });
  return router;
}
