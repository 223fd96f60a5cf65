// secretHash -> what verify needs, in memory, so verify is a hash plus a table lookup. Built at start
// (and on a resync) from the store's narrowed pages (KeyRepository.verifyKeys), then fed only by the
// store's change feed (createCore): each committed change, by this daemon or another on the same store,
// arrives as the record as stored, so a failed transaction never reaches the index.
//
// Compact on purpose: a team store holds a million keys and the daemon must stay small. A key is a slot
// number and its fields columns: typed arrays for the hash (32 bytes, not 64 hex characters), the
// status and the dates (epoch ms); lookups by hash and by id go through SlotTables (Int32Arrays) rather
// than Maps; what many keys share (service, environment, restrictions, organization) is one interned
// KeyProfile (keyProfiles.ts); ids and references are bytes in a TextArena. The valid answer is made
// when a key is verified, not kept for every key.
import type { KeyState, KeyStatus, VerifyResponse } from '../protocol';
import { stateAt } from '../keys/keyState';
import type { KeyRecord, VerifyKey } from '../store/types';
import { verifyKeyOf } from '../store/verifyKey';
import { ProfilePool, type KeyProfile } from './keyProfiles';
import { SlotTable } from './slotTable';
import { TextArena } from './textArena';

const STATUSES: readonly KeyStatus[] = ['active', 'inactive', 'revoked'];
const STATUS_CODE: Readonly<Record<KeyStatus, number>> = { active: 0, inactive: 1, revoked: 2 };
const FIRST_CAPACITY = 1024;
/** Room made per expected key in the text arena: an id (20 bytes) and a reference (~28), with margin. */
const EXPECTED_TEXT_BYTES_PER_KEY = 64;

type ValidAnswer = Extract<VerifyResponse, { valid: true }>;
/** A date a key does not have (no expiry, no grace period). */
const NO_DATE = Number.NaN;
const HASH_BYTES = 32;
// Per slot, in `flags`: a key is there; its hash is in the hash table (a stored hash no secret can
// have, not lowercase hex SHA-256, is kept but never found, as no secret hashes to it).
const IN_USE = 1;
const FINDABLE = 2;

/** Lowercase hex digit -> value; anything else -> -1 (uppercase too: sha256Hex never writes it). */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit += 1) HEX_VALUE['0123456789abcdef'.charCodeAt(digit)] = digit;

/** Writes the 32 bytes of a lowercase hex SHA-256 at `offset`; false (bytes undefined) when it is not one. */
function decodeHash(hex: string, bytes: Uint8Array, offset: number): boolean {
  if (hex.length !== HASH_BYTES * 2) return false;
  for (let i = 0; i < HASH_BYTES; i += 1) {
    const high = hex.charCodeAt(2 * i);
    const low = hex.charCodeAt(2 * i + 1);
    const value = high < 128 && low < 128 ? (HEX_VALUE[high]! << 4) | HEX_VALUE[low]! : -1;
    if (value < 0) return false;
    bytes[offset + i] = value;
  }
  return true;
}

/** FNV-1a of an id's characters: where the id table files it. */
function idHashOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

const dateOrNone = (ms: number | undefined) => (ms === undefined ? NO_DATE : ms);
const dateOrUndefined = (ms: number) => (Number.isNaN(ms) ? undefined : ms);

function grown<T extends Uint8Array | Uint32Array | Float64Array>(array: T, capacity: number): T {
  const next = new (array.constructor as new (length: number) => T)(capacity);
  next.set(array);
  return next;
}

export class KeyIndex {
  // One entry per slot; a freed slot holds undefined until it is reused.
  private profiles: (KeyProfile | undefined)[] = [];
  /** Ids and references, as bytes: `texts` holds them, these say where. */
  private texts: TextArena;
  private idStarts: Uint32Array;
  private idEnds: Uint32Array;
  private referenceStarts: Uint32Array;
  private referenceEnds: Uint32Array;
  /** Slots ever used (the next new one); freed ones wait in freeSlots. */
  private slotCount = 0;
  private hashBytes: Uint8Array;
  private idHashes: Uint32Array;
  private flags: Uint8Array;
  private statuses: Uint8Array;
  private startsAt: Float64Array;
  private expiresAt: Float64Array;
  private graceUntil: Float64Array;
  private freeSlots: number[] = [];
  private pool = new ProfilePool();
  /** Findable slots by the first 4 bytes of their hash (SHA-256 bytes are as good as any hash). */
  private byHash: SlotTable;
  private byId: SlotTable;

  /**
   * `expectedKeys`: room to make at once. Growing by doubling while a big store is read frees each
   * smaller copy of every column: ~20 MB at 100k keys that the C allocator keeps (in its heap, not
   * given back to the system) for the daemon's life. Room never used costs address space, not memory.
   */
  constructor(expectedKeys = 0) {
    let capacity = FIRST_CAPACITY;
    while (capacity < expectedKeys) capacity *= 2;
    this.texts = new TextArena(expectedKeys * EXPECTED_TEXT_BYTES_PER_KEY);
    this.idStarts = new Uint32Array(capacity);
    this.idEnds = new Uint32Array(capacity);
    this.referenceStarts = new Uint32Array(capacity);
    this.referenceEnds = new Uint32Array(capacity);
    this.hashBytes = new Uint8Array(capacity * HASH_BYTES);
    this.idHashes = new Uint32Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.statuses = new Uint8Array(capacity);
    this.startsAt = new Float64Array(capacity);
    this.expiresAt = new Float64Array(capacity);
    this.graceUntil = new Float64Array(capacity);
    this.byHash = new SlotTable((slot) => this.hashHead(slot), expectedKeys);
    this.byId = new SlotTable((slot) => this.idHashes[slot]!, expectedKeys);
  }

  /**
   * A new index from a store's pages of keys (KeyRepository.verifyKeys), built aside so that the index
   * in use keeps answering while a resync reads; install it with `replaceWith`. `expectedKeys`: about
   * how many the pages hold, when the store knows (KeyRepository.keyCountHint).
   */
  static async fromPages(pages: AsyncIterable<readonly VerifyKey[]>, expectedKeys = 0): Promise<KeyIndex> {
    return KeyIndex.fromEach(async (each) => {
      for await (const page of pages) for (const key of page) each(key);
    }, expectedKeys);
  }

  /**
   * The same from a read that hands over one key at a time (KeyRepository.eachVerifyKey): each is put
   * in as it arrives, so no page of keys waits in memory (a million keys' pages otherwise outlived
   * young-generation collections, and copying them was most of the start's garbage collection).
   */
  static async fromEach(read: (each: (key: VerifyKey) => void) => Promise<void>, expectedKeys = 0): Promise<KeyIndex> {
    const built = new KeyIndex(expectedKeys);
    await read((key) => built.append(key));
    built.fileAppended();
    return built;
  }

  /** Starts over from these keys (tests, benches: the daemon itself builds with fromEach or fromPages). */
  replaceAll(keys: Iterable<VerifyKey>): void {
    const built = new KeyIndex();
    for (const key of keys) built.upsert(key);
    this.replaceWith(built);
  }

  /** Takes over what `built` holds (which must not be used after). */
  replaceWith(built: KeyIndex): void {
    this.profiles = built.profiles;
    this.texts = built.texts;
    this.idStarts = built.idStarts;
    this.idEnds = built.idEnds;
    this.referenceStarts = built.referenceStarts;
    this.referenceEnds = built.referenceEnds;
    this.slotCount = built.slotCount;
    this.hashBytes = built.hashBytes;
    this.idHashes = built.idHashes;
    this.flags = built.flags;
    this.statuses = built.statuses;
    this.startsAt = built.startsAt;
    this.expiresAt = built.expiresAt;
    this.graceUntil = built.graceUntil;
    this.freeSlots = built.freeSlots;
    this.pool = built.pool;
    // The entries only: this index's tables read hashes from this index's columns (built's would read
    // built's, which this one replaces as it grows).
    this.byHash.takeEntriesOf(built.byHash);
    this.byId.takeEntriesOf(built.byId);
  }

  /** One committed change: the key as stored, or undefined when it was deleted. */
  apply(keyId: string, record: KeyRecord | undefined): void {
    if (record === undefined) this.remove(keyId);
    else this.upsert(verifyKeyOf(record));
  }

  get size(): number {
    return this.byId.size;
  }

  /** How many distinct profiles the keys share (a bench figure). */
  get profileCount(): number {
    return this.pool.size;
  }

  /** The key holding this hex hash (KeyRecord.secretHash), if any. */
  lookup(secretHash: string): { id: string } | undefined {
    const bytes = new Uint8Array(HASH_BYTES);
    if (!decodeHash(secretHash, bytes, 0)) return undefined;
    const slot = this.find(Buffer.from(bytes.buffer).toString('latin1'));
    return slot < 0 ? undefined : { id: this.idAt(slot) };
  }

  /** The slot of the key whose hash is `binarySha256` (keys/hashing.ts sha256Binary), or -1. */
  find(binarySha256: string): number {
    if (binarySha256.length !== HASH_BYTES) return -1;
    const { cells, mask } = this.byHash;
    const bytes = this.hashBytes;
    const head =
      (binarySha256.charCodeAt(0) |
        (binarySha256.charCodeAt(1) << 8) |
        (binarySha256.charCodeAt(2) << 16) |
        (binarySha256.charCodeAt(3) << 24)) >>>
      0;
    for (let cell = head & mask; cells[cell] !== 0; cell = (cell + 1) & mask) {
      const slot = cells[cell]! - 1;
      const base = slot * HASH_BYTES;
      let i = 0;
      while (i < HASH_BYTES && bytes[base + i] === binarySha256.charCodeAt(i)) i += 1;
      if (i === HASH_BYTES) return slot;
    }
    return -1;
  }

  // What a slot holds, for verify (slots come from find, which only returns live ones).
  idAt(slot: number): string {
    return this.texts.text(this.idStarts[slot]!, this.idEnds[slot]!);
  }

  /** Whether `reference` (what a Basic credential names) is the key's. */
  referenceIs(slot: number, reference: string): boolean {
    return this.texts.equals(this.referenceStarts[slot]!, this.referenceEnds[slot]!, reference);
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

  /**
   * The 200 answer for the key, made on each valid verify (keeping one per key would cost a million-key
   * daemon more than the rest of its index): a plain object to serialise, its permissions array the
   * profile's own, frozen.
   */
  validAnswerAt(slot: number): ValidAnswer {
    const profile = this.profiles[slot]!;
    const answer: ValidAnswer = {
      valid: true,
      keyId: this.idAt(slot),
      serviceId: profile.serviceId,
      environment: profile.environment,
      permissions: profile.permissions as string[],
    };
    if (profile.organization !== undefined) answer.organization = profile.organization;
    return answer;
  }

  /**
   * `JSON.stringify(validAnswerAt(slot))`, from the profile's text made once: on the verify fast path
   * only the key id is serialised per answer.
   */
  validAnswerJsonAt(slot: number): string {
    return `{"valid":true,"keyId":${JSON.stringify(this.idAt(slot))}${this.profiles[slot]!.answerAfterKeyId}`;
  }

  /**
   * A key of a whole store read in, put in a new slot with no look-up (fileAppended files the slots
   * once the read is over): a store hands each key once, and a key handed twice (not expected) is
   * still only kept once, the later copy, as upsert would have it.
   */
  private append(key: VerifyKey): void {
    const slot = this.newSlot();
    this.texts.put(key.id, this.idStarts, this.idEnds, slot);
    this.texts.put(key.reference, this.referenceStarts, this.referenceEnds, slot);
    this.idHashes[slot] = idHashOf(key.id);
    this.flags[slot] = decodeHash(key.secretHash, this.hashBytes, slot * HASH_BYTES) ? IN_USE | FINDABLE : IN_USE;
    this.putState(slot, key);
  }

  /**
   * Files the slots `append` filled in the id and hash tables, all at once (SlotTable.insertMany). The
   * read's hashes are unique (the store's DUPLICATE_SECRET): every findable slot goes in the hash table.
   */
  private fileAppended(): void {
    const sameId = (held: number, slot: number) =>
      this.idHashes[held] === this.idHashes[slot] && this.texts.equals(this.idStarts[held]!, this.idEnds[held]!, this.idAt(slot));
    this.byId.insertMany(this.slotsWith(IN_USE), sameId, (held) => this.free(held));
    this.byHash.insertMany(this.slotsWith(FINDABLE));
    this.pool.forgetObjects();
  }

  /** The slots whose flags have `flag`, in slot order. */
  private slotsWith(flag: number): Int32Array {
    let count = 0;
    for (let slot = 0; slot < this.slotCount; slot += 1) if ((this.flags[slot]! & flag) !== 0) count += 1;
    const slots = new Int32Array(count);
    let next = 0;
    for (let slot = 0; slot < this.slotCount; slot += 1) if ((this.flags[slot]! & flag) !== 0) slots[next++] = slot;
    return slots;
  }

  /** A key added or changed; another key may still hold its hash (a change arriving before the other's). */
  private upsert(key: VerifyKey): void {
    let slot = this.slotOfId(key.id);
    if (slot < 0) {
      slot = this.newSlot();
      this.texts.put(key.id, this.idStarts, this.idEnds, slot);
      this.texts.put(key.reference, this.referenceStarts, this.referenceEnds, slot);
      this.idHashes[slot] = idHashOf(key.id);
      this.flags[slot] = IN_USE;
      this.byId.insert(slot);
    } else {
      this.forgetHash(slot);
      this.pool.release(this.profiles[slot]!);
      if (!this.referenceIs(slot, key.reference)) {
        this.texts.release(this.referenceStarts[slot]!, this.referenceEnds[slot]!);
        this.texts.put(key.reference, this.referenceStarts, this.referenceEnds, slot);
        if (this.texts.wasteful) this.compactTexts();
      }
    }
    if (decodeHash(key.secretHash, this.hashBytes, slot * HASH_BYTES)) {
      // Another key with the same hash: only for a moment (the store keeps hashes unique), when its own
      // change has not arrived yet. The last one applied is the one found, as the store now says.
      const holder = this.findBytesOf(slot);
      if (holder >= 0) this.forgetHash(holder);
      this.byHash.insert(slot);
      this.flags[slot] = IN_USE | FINDABLE;
    }
    this.putState(slot, key);
  }

  /** What verify decides on: the key's shared profile, its status and its dates. */
  private putState(slot: number, key: VerifyKey): void {
    this.profiles[slot] = this.pool.acquire(key.profile);
    this.statuses[slot] = STATUS_CODE[key.status];
    this.startsAt[slot] = key.startsAt;
    this.expiresAt[slot] = dateOrNone(key.expiresAt);
    this.graceUntil[slot] = dateOrNone(key.graceUntil);
  }

  private remove(keyId: string): void {
    const slot = this.slotOfId(keyId);
    if (slot < 0) return;
    this.forgetHash(slot);
    this.byId.remove(slot);
    this.free(slot);
  }

  /** Gives the slot back (out of both tables already). */
  private free(slot: number): void {
    this.pool.release(this.profiles[slot]!);
    this.flags[slot] = 0;
    this.texts.release(this.idStarts[slot]!, this.idEnds[slot]!);
    this.texts.release(this.referenceStarts[slot]!, this.referenceEnds[slot]!);
    this.profiles[slot] = undefined;
    this.freeSlots.push(slot);
    if (this.texts.wasteful) this.compactTexts();
  }

  /** The ids and references of the keys still here, into a new arena (deleted keys' bytes left behind). */
  private compactTexts(): void {
    const old = this.texts;
    this.texts = new TextArena();
    for (let slot = 0; slot < this.slotCount; slot += 1) {
      if ((this.flags[slot]! & IN_USE) === 0) continue;
      this.texts.put(old.text(this.idStarts[slot]!, this.idEnds[slot]!), this.idStarts, this.idEnds, slot);
      this.texts.put(old.text(this.referenceStarts[slot]!, this.referenceEnds[slot]!), this.referenceStarts, this.referenceEnds, slot);
    }
  }

  private slotOfId(id: string): number {
    const hash = idHashOf(id);
    const { cells, mask } = this.byId;
    for (let cell = hash & mask; cells[cell] !== 0; cell = (cell + 1) & mask) {
      const slot = cells[cell]! - 1;
      if (this.idHashes[slot] === hash && this.texts.equals(this.idStarts[slot]!, this.idEnds[slot]!, id)) return slot;
    }
    return -1;
  }

  /** The findable slot, other than `slot`, whose hash bytes are `slot`'s, or -1. */
  private findBytesOf(slot: number): number {
    const { cells, mask } = this.byHash;
    const bytes = this.hashBytes;
    const base = slot * HASH_BYTES;
    for (let cell = this.hashHead(slot) & mask; cells[cell] !== 0; cell = (cell + 1) & mask) {
      const other = cells[cell]! - 1;
      const otherBase = other * HASH_BYTES;
      let i = 0;
      while (i < HASH_BYTES && bytes[otherBase + i] === bytes[base + i]) i += 1;
      if (i === HASH_BYTES && other !== slot) return other;
    }
    return -1;
  }

  /** Takes the slot's hash out of the hash table (before its bytes change), if it is there. */
  private forgetHash(slot: number): void {
    if ((this.flags[slot]! & FINDABLE) === 0) return;
    this.byHash.remove(slot);
    this.flags[slot] = IN_USE;
  }

  /** The first 4 bytes of the slot's hash, as the hash table files it. */
  private hashHead(slot: number): number {
    const base = slot * HASH_BYTES;
    const bytes = this.hashBytes;
    return (bytes[base]! | (bytes[base + 1]! << 8) | (bytes[base + 2]! << 16) | (bytes[base + 3]! << 24)) >>> 0;
  }

  private newSlot(): number {
    const reused = this.freeSlots.pop();
    if (reused !== undefined) return reused;
    const slot = this.slotCount;
    this.slotCount += 1;
    this.profiles.push(undefined);
    if (slot === this.statuses.length) {
      const capacity = slot * 2;
      this.idStarts = grown(this.idStarts, capacity);
      this.idEnds = grown(this.idEnds, capacity);
      this.referenceStarts = grown(this.referenceStarts, capacity);
      this.referenceEnds = grown(this.referenceEnds, capacity);
      this.hashBytes = grown(this.hashBytes, capacity * HASH_BYTES);
      this.idHashes = grown(this.idHashes, capacity);
      this.flags = grown(this.flags, capacity);
      this.statuses = grown(this.statuses, capacity);
      this.startsAt = grown(this.startsAt, capacity);
      this.expiresAt = grown(this.expiresAt, capacity);
      this.graceUntil = grown(this.graceUntil, capacity);
    }
    return slot;
  }
}
