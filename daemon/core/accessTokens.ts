// Bearer tokens: the admin token (daemon.json, regenerated each start) and verify-only tokens (stored as
// SHA-256, shown once). Comparisons hash both sides and use timingSafeEqual, so response time says
// nothing about how much of a guess was right.
import { timingSafeEqual } from 'node:crypto';
import { proofKey, proofOf } from '../../common/daemonProof';
import type { TokenCreated, TokenSummary } from '../protocol';
import { notFound } from '../errors';
import { randomBase62 } from '../keys/base62';
import { sha256Hex } from '../keys/hashing';
import { newId } from '../keys/keyFormat';
import type { TokenRecord } from '../store/types';
import type { Actor, CoreContext } from './context';

const BEARER = /^Bearer ([A-Za-z0-9_-]{16,256})$/;

/** Hex SHA-256 as latin1 bytes: what timingSafeEqual compares (equal lengths, whatever the input). */
function digest(token: string): Buffer {
  return Buffer.from(sha256Hex(token), 'latin1');
}

/** A verify token as authenticate needs it: its digest's bytes and its actor, made once per change, not per request. */
interface KnownToken {
  readonly digest: Buffer;
  readonly actor: Actor;
}

export function newAdminToken(): string {
  return `ksa_${randomBase62(43)}`;
}

export class AccessTokens {
  private readonly adminDigest: Buffer;
  private readonly proofKey: Buffer;
  private readonly adminActor: Actor;
  /** tokenHash -> token, fed by the store's change feed (createCore), so verify never awaits the store. */
  private readonly verifyTokens = new Map<string, KnownToken>();
  private readonly hashById = new Map<string, string>();
  private changes = 0;

  constructor(
    private readonly context: CoreContext,
    adminToken: string,
    adminName: string,
  ) {
    this.adminDigest = digest(adminToken);
    this.adminActor = Object.freeze<Actor>({ name: adminName, role: 'admin' });
    this.proofKey = proofKey(adminToken);
  }

  /**
   * Moves on every change to the verify tokens (a token created, deleted, or all replaced): whoever keeps
   * an authentication (the verify fast path, per connection) must authenticate again once it moved, so a
   * deleted token is refused from the next request on.
   */
  get generation(): number {
    return this.changes;
  }

  replaceAll(tokens: readonly TokenRecord[]): void {
    this.changes += 1;
    this.verifyTokens.clear();
    this.hashById.clear();
    for (const token of tokens) this.apply(token.id, token);
  }

  /** One committed change: the token as stored, or undefined when it was deleted. */
  apply(id: string, record: TokenRecord | undefined): void {
    this.changes += 1;
    const previous = this.hashById.get(id);
    if (previous !== undefined) this.verifyTokens.delete(previous);
    this.hashById.delete(id);
    if (record === undefined) return;
    const { name, tokenHash } = record;
    this.verifyTokens.set(tokenHash, {
      digest: Buffer.from(tokenHash, 'latin1'),
      actor: Object.freeze<Actor>({ name: `token:${name}`, role: 'verify' }),
    });
    this.hashById.set(id, tokenHash);
  }

  /** The caller behind an `Authorization` header, or undefined for a missing, odd or unknown token. */
  authenticate(header: string | undefined): Actor | undefined {
    const match = header === undefined ? null : BEARER.exec(header);
    if (!match) return undefined;
    const presentedHex = sha256Hex(match[1]!);
    const presented = Buffer.from(presentedHex, 'latin1');
    if (timingSafeEqual(presented, this.adminDigest)) return this.adminActor;
    const known = this.verifyTokens.get(presentedHex);
    return known && timingSafeEqual(known.digest, presented) ? known.actor : undefined;
  }

  /** Answers a client's health challenge: proof that this daemon holds the admin token of daemon.json. */
  prove(challenge: string): string {
    return proofOf(this.proofKey, challenge);
  }

  async list(): Promise<TokenSummary[]> {
    return (await this.context.store.tokens.list()).map(({ id, name, role, createdAt }) => ({ id, name, role, createdAt }));
  }

  async create(name: string, actor: Actor): Promise<TokenCreated> {
    const token = `ksv_${randomBase62(43)}`;
    const record: TokenRecord = {
      id: newId('tok'),
      name,
      role: 'verify',
      tokenHash: sha256Hex(token),
      createdAt: this.context.clock.now().toISOString(),
    };
    await this.context.store.tokens.insert(record, [
      this.context.audit.event(actor, 'token.created', undefined, { tokenId: record.id, name }),
    ]);
    return { id: record.id, name, role: 'verify', token, createdAt: record.createdAt };
  }

  async delete(id: string, actor: Actor): Promise<void> {
    const removed = (await this.context.store.tokens.list()).find((candidate) => candidate.id === id);
    const event = removed && this.context.audit.event(actor, 'token.deleted', undefined, { tokenId: id, name: removed.name });
    if (!event || !(await this.context.store.tokens.delete(id, [event]))) throw notFound('token', id);
  }
}
