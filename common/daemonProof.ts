// Proof that whatever answers on the socket named in daemon.json is the daemon of this data dir, before a
// client sends it the admin token or a secret. The client sends a fresh random challenge to
// GET /v1/health (no token); the daemon answers HMAC-SHA256(challenge) under a key derived from the admin
// token. Only a process that knows the token (the daemon that wrote daemon.json) can answer; a squatter
// on a freed socket path, pipe name or port cannot, and it never receives the token itself.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { request } from 'node:http';
import type { Health } from '../daemon/protocol';

export const CHALLENGE_PARAM = 'challenge';
/** 32 to 128 hex digits: enough randomness that a recorded answer is never asked for again. */
export const CHALLENGE_PATTERN = /^[0-9a-f]{32,128}$/;

/** The HMAC key: the token hashed under a label of its own, so a proof is never reusable as anything else. */
export function proofKey(adminToken: string): Buffer {
  return createHash('sha256').update('keysmith daemon proof v1\0').update(adminToken).digest();
}

export function proofOf(key: Buffer, challenge: string): string {
  return createHmac('sha256', key).update(challenge).digest('hex');
}

export function newChallenge(): string {
  return randomBytes(32).toString('hex');
}

/** Constant-time comparison of the proof received with the one expected. */
export function proofMatches(adminToken: string, challenge: string, received: unknown): boolean {
  if (typeof received !== 'string') return false;
  const expected = Buffer.from(proofOf(proofKey(adminToken), challenge), 'latin1');
  const given = Buffer.from(received, 'latin1');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export type ProofResult = { proved: true; health: Health } | { proved: false; reason: string; answered: boolean };

/**
 * Asks the process on `socketPath` to prove it holds `adminToken`. Sends only the challenge: no token,
 * no secret. `answered` tells a dead socket (start a daemon) from an impostor (refuse loudly).
 */
export function proveDaemon(socketPath: string, adminToken: string, timeoutMs = 2_000): Promise<ProofResult> {
  const challenge = newChallenge();
  return new Promise((resolve) => {
    const req = request(
      { socketPath, method: 'GET', path: `/v1/health?${CHALLENGE_PARAM}=${challenge}`, timeout: timeoutMs, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', () => resolve({ proved: false, reason: 'it broke off its answer', answered: true }));
        res.on('end', () => {
          let body: Partial<Health> | undefined;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<Health>;
          } catch {
            body = undefined;
          }
          if (res.statusCode === 200 && body?.status === 'ok' && proofMatches(adminToken, challenge, body.proof)) {
            resolve({ proved: true, health: body as Health });
          } else {
            resolve({ proved: false, reason: 'it answered without proving it holds the admin token of daemon.json', answered: true });
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => {
      resolve({ proved: false, reason: `nothing answers (${error.code ?? error.message})`, answered: false });
    });
    req.end();
  });
}
