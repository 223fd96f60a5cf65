// A member's password leaves this process only as a SCRAM-SHA-256 verifier, as psql's \password sends
// it: the server stores the verifier as given (CREATE ROLE ... PASSWORD 'SCRAM-SHA-256$...'), so the
// clear password is never on the wire nor in a server log, where log_statement = all would print the
// call and its bind parameters (log_parameter_max_length is unlimited by default).
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** PostgreSQL's default (scram_iterations, 16+; fixed at 4096 before). */
const ITERATIONS = 4096;

/** RFC 3454 B.1, "commonly mapped to nothing" (soft hyphen, joiners, variation selectors...). */
const MAPPED_TO_NOTHING = (code: number) =>
  code === 0xad ||
  code === 0x34f ||
  code === 0x1806 ||
  (code >= 0x180b && code <= 0x180d) ||
  (code >= 0x200b && code <= 0x200d) ||
  code === 0x2060 ||
  (code >= 0xfe00 && code <= 0xfe0f) ||
  code === 0xfeff;

/** SASLprep as far as it changes a password in practice: mapped-to-nothing characters, spaces, NFKC. */
function saslPrep(password: string): string {
  return Array.from(password)
    .filter((char) => !MAPPED_TO_NOTHING(char.codePointAt(0)!))
    .join('')
    .replace(/[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g, ' ')
    .normalize('NFKC');
}

export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = ITERATIONS): string {
  const salted = pbkdf2Sync(saslPrep(password), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
