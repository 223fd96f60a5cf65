// The master key that seals retrievable secrets: 32 bytes, from KEYSMITH_MASTER_KEY (base64) when set,
// else `<dataDir>/master.key` (base64 text, mode 0600), created on first start.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { assertPrivateFile, writePrivateFileAtomic } from '../store/secureFiles';
import { MASTER_KEY_BYTES } from './sealing';

export const MASTER_KEY_FILE = 'master.key';
export const MASTER_KEY_ENV = 'KEYSMITH_MASTER_KEY';

export class MasterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyError';
  }
}

function decode(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== MASTER_KEY_BYTES) {
    throw new MasterKeyError(`${source} must hold ${MASTER_KEY_BYTES} bytes in base64 (e.g. from \`openssl rand -base64 32\`)`);
  }
  return key;
}

export const MASTER_KEY_FILE_ENV = 'KEYSMITH_MASTER_KEY_FILE';

export interface MasterKeySource {
  /**
   * How many stored secrets are sealed under the key: with any, a missing key file is an error. A
   * function is asked only then (counting means reading every key).
   */
  sealedSecrets?: number | (() => Promise<number>);
  /**
   * False for a team store: every member's daemon must use the same key, so it is handed out
   * (KEYSMITH_MASTER_KEY or a key file) and never made up by whichever daemon starts first.
   */
  mayCreate?: boolean;
  /** A key file other than `<dataDir>/master.key` (`--master-key-file`, KEYSMITH_MASTER_KEY_FILE). */
  file?: string;
}

/**
 * From KEYSMITH_MASTER_KEY, else the key file. A missing file with sealed secrets is an error, never a
 * reason to mint a new key (that would silently make every sealed secret unreadable).
 */
export async function loadMasterKey(dataDir: string, env: NodeJS.ProcessEnv = process.env, source: MasterKeySource = {}): Promise<Buffer> {
  const { sealedSecrets = 0, mayCreate = true } = source;
  const fromEnv = env[MASTER_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return decode(fromEnv, `the environment variable ${MASTER_KEY_ENV}`);
  const file = path.resolve(dataDir, source.file ?? (env[MASTER_KEY_FILE_ENV] || MASTER_KEY_FILE));
  let text: string;
  try {
    await assertPrivateFile(file);
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (!mayCreate) {
      throw new MasterKeyError(
        `${file} is missing. On a team store every member's daemon must seal with the same master key: ` +
          `put the team's key there (mode 0600, from \`openssl rand -base64 32\` once for the team) or set ${MASTER_KEY_ENV}.`,
      );
    }
    const sealedCount = typeof sealedSecrets === 'function' ? await sealedSecrets() : sealedSecrets;
    if (sealedCount > 0) {
      throw new MasterKeyError(
        `${file} is missing, but the store holds ${sealedCount} sealed secret(s) that only it can open. ` +
          `Restore ${MASTER_KEY_FILE} from your backup (mode 0600) or set ${MASTER_KEY_ENV}; ` +
          'Keysmith will not create a new master key over them.',
      );
    }
    const key = randomBytes(MASTER_KEY_BYTES);
    await writePrivateFileAtomic(file, `${key.toString('base64')}\n`);
    return key;
  }
  return decode(text, file);
}
