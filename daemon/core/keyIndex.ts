// secretHash -> what verify needs, in memory, so verify is a hash plus a Map lookup. Fed only by the
// store's change feed (createCore): each committed change, by this daemon or another on the same store,
// arrives as the record as stored, so a failed transaction never reaches the index.
//
// Compact on purpose: a team store holds a million keys and the daemon must stay small. A key is a slot
// number, its fields columns of typed arrays (status, dates as epoch ms) and plain arrays (id, hash,
// reference), its hash a 32-character binary string (not 64 hex), and what many keys share (service,
// environment, restrictions, organization) one interned KeyProfile (keyProfiles.ts). The valid answer
// is built the first time a key is verified, not for every key at load.
import type { KeyState, KeyStatus, VerifyResponse } from '../protocol';
import { stateAt } from '../keys/keyState';
import type { KeyRecord, VerifyKey } from '../store/types';
import { verifyKeyOf } from '../store/verifyKey';
import { ProfilePool, type KeyProfile } from './keyProfiles';

const STATUSES: readonly KeyStatus[] = ['active', 'inactive', 'revoked'];
const STATUS_CODE: Readonly<Record<KeyStatus, number>> = { active: 0, inactive: 1, revoked: 2 };
const FIRST_CAPACITY = 1024;

type ValidAnswer = Extract<VerifyResponse, { valid: true }>;
/** A date a key does not have (no expiry, no grace period). */
const NO_DATE = Number.NaN;
const CANONICAL_HASH = /^[0-9a-f]{64}$/;

/**
 * The form the index keys hashes by (what `sha256Binary` returns for a secret), or undefined for a
 * stored hash no secret can have (not lowercase hex SHA-256): such a key is tracked, never found.
 */
function binaryHash(hexHash: string): string | undefined {
  return CANONICAL_HASH.test(hexHash) ? Buffer.from(hexHash, 'hex').toString('latin1') : undefined;
}

const dateOrNone = (ms: number | undefined) => (ms === undefined ? NO_DATE : ms);
const dateOrUndefined = (ms: number) => (Number.isNaN(ms) ? undefined : ms);

function grown<T extends Uint8Array | Uint32Array | Float64Array>(array: T, capacity: number): T {
  const next = new (array.constructor as new (length: number) => T)(capacity);
  next.set(array);
  return next;
}

export class KeyIndex {
  private slotByHash = new Map<string, number>();
  private slotById = new Map<string, number>();
  // One entry per slot; a freed slot holds undefined until it is reused.
  private ids: (string | undefined)[] = [];
  private hashes: (string | undefined)[] = [];
  private references: (string | undefined)[] = [];
  private profiles: (KeyProfile | undefined)[] = [];
  /** Built on a key's first valid verify; dropped when the key changes. */
  private answers: (Readonly<ValidAnswer> | undefined)[] = [];
  private statuses = new Uint8Array(FIRST_CAPACITY);
  private startsAt = new Float64Array(FIRST_CAPACITY);
  private expiresAt = new Float64Array(FIRST_CAPACITY);
  private graceUntil = new Float64Array(FIRST_CAPACITY);
  private freeSlots: number[] = [];
  private pool = new ProfilePool();

  /**
   * A new index from a store's pages of keys (KeyRepository.verifyKeys), built aside so that the index
   * in use keeps answering while a resync reads; install it with `replaceWith`.
   */
  static async fromPages(pages: AsyncIterable<readonly VerifyKey[]>): Promise<KeyIndex> {
    const built = new KeyIndex();
    for await (const page of pages) for (const key of page) built.upsert(key);
    return built;
  }

  /** Starts over from these keys (tests, benches: the daemon itself builds with fromPages). */
  replaceAll(keys: Iterable<VerifyKey>): void {
    const built = new KeyIndex();
    for (const key of keys) built.upsert(key);
    this.replaceWith(built);
  }

  /** Takes over what `built` holds (which must not be used after). */
  replaceWith(built: KeyIndex): void {
    this.slotByHash = built.slotByHash;
    this.slotById = built.slotById;
    this.ids = built.ids;
    this.hashes = built.hashes;
    this.references = built.references;
    this.profiles = built.profiles;
    this.answers = built.answers;
    this.statuses = built.statuses;
    this.startsAt = built.startsAt;
    this.expiresAt = built.expiresAt;
    this.graceUntil = built.graceUntil;
    this.freeSlots = built.freeSlots;
    this.pool = built.pool;
  }

  /** One committed change: the key as stored, or undefined when it was deleted. */
  apply(keyId: string, record: KeyRecord | undefined): void {
    if (record === undefined) this.remove(keyId);
    else this.upsert(verifyKeyOf(record));
  }

  get size(): number {
    return this.slotById.size;
  }

  /** How many distinct profiles the keys share (a bench figure). */
  get profileCount(): number {
    return this.pool.size;
  }

  /** The key holding this hex hash (KeyRecord.secretHash), if any. */
  lookup(secretHash: string): { id: string } | undefined {
    const hash = binaryHash(secretHash);
    const slot = hash === undefined ? undefined : this.slotByHash.get(hash);
    return slot === undefined ? undefined : { id: this.ids[slot]! };
  }

  /** The slot of the key whose hash is `binarySha256` (keys/hashing.ts sha256Binary), or -1. */
  find(binarySha256: string): number {
    const slot = this.slotByHash.get(binarySha256);
    return slot === undefined ? -1 : slot;
  }

  // What a slot holds, for verify (slots come from find, which only returns live ones).
  idAt(slot: number): string {
    return this.ids[slot]!;
  }

  referenceAt(slot: number): string {
    return this.references[slot]!;
  }

  profileAt(slot: number): KeyProfile {
    return this.profiles[slot]!;
  }

  stateAt(slot: number, nowMs: number): KeyState {
    return stateAt(
      STATUSES[this.statuses[slot]!]!,
      this.startsAt[slot]!,
      dateOrUndefined(this.expiresAt[slot]!),
      dateOrUndefined(this.graceUntil[slot]!),
      nowMs,
    );
  }

  /** The 200 answer for the key, frozen and shared by its valid verifies: serialise it, never change it. */
  validAnswerAt(slot: number): Readonly<ValidAnswer> {
    return this.answers[slot] ?? (this.answers[slot] = this.answerOf(slot));
  }

  private answerOf(slot: number): Readonly<ValidAnswer> {
    const profile = this.profiles[slot]!;
    const answer: ValidAnswer = {
      valid: true,
      keyId: this.ids[slot]!,
      serviceId: profile.serviceId,
      environment: profile.environment,
      permissions: profile.permissions as string[],
    };
    if (profile.organization !== undefined) answer.organization = profile.organization;
    return Object.freeze(answer);
  }

  private upsert(key: VerifyKey): void {
    const hash = binaryHash(key.secretHash);
    let slot = this.slotById.get(key.id);
    if (slot === undefined) {
      slot = this.newSlot();
      this.slotById.set(key.id, slot);
      this.ids[slot] = key.id;
    } else {
      this.forgetHash(slot);
      this.pool.release(this.profiles[slot]!);
    }
    this.hashes[slot] = hash;
    if (hash !== undefined) this.slotByHash.set(hash, slot);
    this.references[slot] = key.reference;
    this.profiles[slot] = this.pool.acquire(key.profile);
    this.answers[slot] = undefined;
    this.statuses[slot] = STATUS_CODE[key.status];
    this.startsAt[slot] = key.startsAt;
    this.expiresAt[slot] = dateOrNone(key.expiresAt);
    this.graceUntil[slot] = dateOrNone(key.graceUntil);
  }

  private remove(keyId: string): void {
    const slot = this.slotById.get(keyId);
    if (slot === undefined) return;
    this.forgetHash(slot);
    this.pool.release(this.profiles[slot]!);
    this.slotById.delete(keyId);
    this.ids[slot] = undefined;
    this.hashes[slot] = undefined;
    this.references[slot] = undefined;
    this.profiles[slot] = undefined;
    this.answers[slot] = undefined;
    this.freeSlots.push(slot);
  }

  /** Unmaps the slot's hash, unless another key took it meanwhile (its change arrived first). */
  private forgetHash(slot: number): void {
    const hash = this.hashes[slot];
    if (hash !== undefined && this.slotByHash.get(hash) === slot) this.slotByHash.delete(hash);
  }

  private newSlot(): number {
    const reused = this.freeSlots.pop();
    if (reused !== undefined) return reused;
    const slot = this.ids.length;
    this.ids.push(undefined);
    this.hashes.push(undefined);
    this.references.push(undefined);
    this.profiles.push(undefined);
    this.answers.push(undefined);
    if (slot === this.statuses.length) {
      const capacity = slot * 2;
      this.statuses = grown(this.statuses, capacity);
      this.startsAt = grown(this.startsAt, capacity);
      this.expiresAt = grown(this.expiresAt, capacity);
      this.graceUntil = grown(this.graceUntil, capacity);
    }
    return slot;
  }
}
