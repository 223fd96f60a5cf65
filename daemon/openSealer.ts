// The sealer a daemon starts with: the master key (see keys/masterKey.ts), checked against the store's
// sealed secrets, so that a member's daemon holding another key than the team's refuses to start rather
// than seal secrets nobody else can open.
import { randomBytes } from 'node:crypto';
import { loadMasterKey, MasterKeyError } from './keys/masterKey';
import { createSealer, MASTER_KEY_BYTES, type Sealer } from './keys/sealing';
import type { MemberRole, Store } from './store/repositories';

export interface SealerOptions {
  /** Set for a team store: its daemons never make up a master key. */
  storeUrl?: string;
  masterKeyFile?: string;
  env?: NodeJS.ProcessEnv;
}

/** Roles that neither read a sealed secret nor create a key: they need no master key at all. */
const SEALS_NOTHING: ReadonlySet<MemberRole> = new Set(['auditor', 'verifier']);

/** `role`: the member the daemon acts as (on the embedded store, always the owner). */
export async function openSealer(store: Store, role: MemberRole, dataDir: string, options: SealerOptions): Promise<Sealer> {
  const team = options.storeUrl !== undefined;
  if (team && SEALS_NOTHING.has(role)) {
    // A verify sidecar or an auditor's daemon: the database never shows it a sealed copy and refuses
    // its inserts, so a key of its own that is never written down can seal or open nothing of the team's.
    return createSealer(randomBytes(MASTER_KEY_BYTES));
  }
  const sample = await store.keys.sealedSample(3);
  // The count (every key read) is asked for only when the key file is missing and one might be made up:
  // it names, in the refusal, what a new key would leave unreadable. A team's daemon never makes one up.
  const sealedSecrets = () => store.keys.sealedCount();
  const sealer = createSealer(await loadMasterKey(dataDir, options.env, { sealedSecrets, mayCreate: !team, file: options.masterKeyFile }));
  // A wrong key opens none of them; one damaged record must not stop the daemon, so a few are tried.
  const opens = (key: (typeof sample)[number]) => {
    try {
      sealer.unseal(key.sealed!, key.id);
      return true;
    } catch {
      return false;
    }
  };
  if (sample.length > 0 && !sample.some(opens)) {
    throw new MasterKeyError(
      "This master key does not open the store's sealed secrets: it is not the key they were sealed with. " +
        'Use the key file (or KEYSMITH_MASTER_KEY) the store was started with.',
    );
  }
  return sealer;
}
