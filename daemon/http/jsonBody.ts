// Reads a JSON body: at most 64 KiB, valid JSON, and no `__proto__` / `constructor` / `prototype` keys at
// any depth (they are never legitimate field names here, and refusing them shuts prototype pollution
// out of every later merge or Object.assign).
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors';
import { checkDeclaredLength, MAX_BODY_BYTES, tooLarge } from './guards';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

class ForbiddenKey extends Error {
  constructor(readonly key: string) {
    super(key);
  }
}

// A forbidden key must appear literally or through a \u escape; bodies with neither (nearly all of them)
// skip the reviver, which costs more than the parse itself on the verify hot path.
const MAYBE_FORBIDDEN = /__proto__|constructor|prototype|\\u/;

export function parseJson(text: string): unknown {
  try {
    if (!MAYBE_FORBIDDEN.test(text)) return JSON.parse(text);
    return JSON.parse(text, function refuse(key, value) {
      if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKey(key);
      return value;
    });
  } catch (error) {
    if (error instanceof ForbiddenKey) {
      throw new HttpError(400, 'FORBIDDEN_KEY', `The body contains the key "${error.key}", which is never accepted.`, {
        [error.key]: 'this key name is not allowed anywhere in a body',
      });
    }
    throw new HttpError(400, 'MALFORMED_JSON', 'The body is not valid JSON.');
  }
}

/** The parsed body, or undefined when the request has none. */
export function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const declared = checkDeclaredLength(req);
  if (declared) return Promise.reject(declared);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (error) => {
      if (!failed) reject(new HttpError(400, 'BAD_REQUEST', `The request body could not be read (${error.message}).`));
      failed = true;
    });
    req.on('end', () => {
      if (failed) return;
      if (size === 0) return resolve(undefined);
      try {
        // A small body arrives in one chunk: decode it without a concat copy.
        resolve(parseJson((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
  });
}
