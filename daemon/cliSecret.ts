// Reading a secret for `keysmith keys verify` from stdin, so it never sits in argv (visible to every
// user through `ps`) or in the shell history. A pipe is read to its end; a terminal up to the first line.
import type { Readable } from 'node:stream';

/** The secret on `input`, surrounding whitespace (a trailing newline from `echo` or a file) removed. */
export async function readSecretFrom(input: Readable & { isTTY?: boolean }, prompt = 'Secret to verify'): Promise<string> {
  const interactive = input.isTTY === true;
  if (interactive) process.stderr.write(`${prompt} (then Enter): `);
  let text = '';
  input.setEncoding('utf8');
  for await (const chunk of input) {
    text += chunk as string;
    if (interactive && text.includes('\n')) break;
  }
  if (interactive) input.pause();
  return (interactive ? text.split('\n', 1)[0]! : text).trim();
}
