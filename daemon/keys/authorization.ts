// How a key is presented to the platform that receives it, per service scheme.
import type { AuthScheme, SecretMaterial } from '../protocol';

/** The ready-made `Authorization` header value, or undefined for `pair` (two separate values). */
export function authorizationFor(scheme: AuthScheme, reference: string, secret: string): string | undefined {
  switch (scheme) {
    case 'basic':
      return `Basic ${Buffer.from(`${reference}:${secret}`, 'utf8').toString('base64')}`;
    case 'bearer':
      return `Bearer ${secret}`;
    case 'pair':
      return undefined;
  }
}

export function secretMaterial(scheme: AuthScheme, reference: string, secret: string): SecretMaterial {
  const authorization = authorizationFor(scheme, reference, secret);
  return authorization === undefined ? { reference, secret } : { reference, secret, authorization };
}

export type PresentedCredential = { secret: string; reference?: string } | { malformed: true };

const MAX_CREDENTIAL_LENGTH = 4096;

/** Reads the secret (and, for Basic, the reference) out of an `Authorization` header value. */
export function parseAuthorization(header: string): PresentedCredential {
  if (header.length > MAX_CREDENTIAL_LENGTH) return { malformed: true };
  const space = header.indexOf(' ');
  if (space <= 0) return { malformed: true };
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (value === '') return { malformed: true };
  if (scheme === 'bearer') return { secret: value };
  if (scheme !== 'basic' || !/^[A-Za-z0-9+/]+=*$/.test(value)) return { malformed: true };
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) return { malformed: true };
  return { reference: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}
