// An app server sends every verify on a kept-alive connection with the same Authorization header, and
// hashing its token again for each one was a tenth of the fast path's CPU. So the header a connection
// authenticated with is remembered, with the actor it proved, and the next request on that connection
// whose header is the same byte for byte is that actor again, without a hash.
//
// - Any change to the verify tokens (one created, deleted, or all replaced: AccessTokens.generation)
//   makes every connection authenticate again, so a deleted token is refused from its next request.
// - Compared with timingSafeEqual: behind a proxy one connection may carry several clients' requests,
//   and a comparison that stops at the first difference would tell them how much of another's token
//   they guessed. Only the length may differ quickly, and a token's length is no secret.
// - Kept in a WeakMap, never on the socket: nothing that inspects or logs a socket can reach a token,
//   and the entry goes with the connection. Only a success is remembered.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Actor } from '../core/context';

export interface TokenAuthority {
  authenticate(header: string | undefined): Actor | undefined;
  /** Moves whenever the tokens change (AccessTokens.generation). */
  readonly generation: number;
}

interface Authenticated {
  /** The header's UTF-8 bytes (an exact, one-to-one encoding, unlike latin1 for any string). */
  readonly header: Buffer;
  readonly generation: number;
  readonly actor: Actor;
}

const byConnection = new WeakMap<Socket, Authenticated>();

/** The caller behind the request's Authorization header, as `tokens.authenticate` answers it. */
export function authenticateOnConnection(tokens: TokenAuthority, req: IncomingMessage): Actor | undefined {
  const header = req.headers.authorization;
  const socket = req.socket;
  const known = byConnection.get(socket);
  if (header !== undefined && known !== undefined && known.generation === tokens.generation) {
    const presented = Buffer.from(header, 'utf8');
    if (presented.length === known.header.length && timingSafeEqual(presented, known.header)) return known.actor;
  }
  const actor = tokens.authenticate(header);
  if (actor === undefined) byConnection.delete(socket);
  else byConnection.set(socket, { header: Buffer.from(header!, 'utf8'), generation: tokens.generation, actor });
  return actor;
}
