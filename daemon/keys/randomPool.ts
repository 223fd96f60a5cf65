// Random bytes for secrets, ids and IVs, taken from a pool that crypto refills 4 KiB at a time. A call
// of crypto.randomBytes costs about 5 µs whatever its size (a trip into OpenSSL's generator), and a
// create asks five times (id, secret, reference, IV, its event's id): with the pool, one call per ~100
// creates. The bytes are the same CSPRNG's; each is handed out once and wiped from the pool as it is.
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
/** Bytes before this offset were handed out (and wiped): all of them until the first call fills it. */
let next = POOL_BYTES;

/** `size` fresh random bytes, in a buffer of the caller's own. */
export function randomBytesFromPool(size: number): Buffer {
  // Larger asks (rare: none on a create) go straight to crypto.
  if (size > POOL_BYTES / 4) return randomFillSync(Buffer.alloc(size));
  if (next + size > POOL_BYTES) {
    randomFillSync(pool);
    next = 0;
  }
  const bytes = Buffer.from(pool.subarray(next, next + size));
  pool.fill(0, next, next + size);
  next += size;
  return bytes;
}
