// What crosses the thread boundary between the daemon and its injection worker: a call (entry point
// name and arguments) and its outcome. Errors are sent as plain data and rebuilt on the daemon's side,
// so a KeysmithError keeps its code, message and details, and the error handler answers exactly as if
// the injection had run on the main thread (the status follows from the code, decided at the edge).
import { KeysmithError } from '../../errors';
import type { ErrorCode } from '../../protocol';

export type InjectOperation = 'previewInjection' | 'applyInjection' | 'mappedTargets';

export interface InjectCall {
  id: number;
  operation: InjectOperation;
  args: unknown[];
}

export type SentError =
  | { kind: 'refusal'; code: ErrorCode; message: string; details?: unknown }
  | { kind: 'other'; name: string; message: string; stack?: string; code?: string };

/** The outcome of a call, or news that an apply has started writing (and must no longer be cut). */
export type InjectReply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SentError } | { id: number; writing: true };

/**
 * An error as data. KeysmithError messages are written for the user and never hold a secret; any other
 * error (a library's, the disk's) only reaches the log, and still has every secret of the call masked
 * out of its message and stack first, in case a parser quoted the text it was reading.
 */
export function sendableError(error: unknown, secrets: readonly string[]): SentError {
  if (error instanceof KeysmithError) {
    return { kind: 'refusal', code: error.code, message: error.message, details: error.details };
  }
  const mask = (text: string) => secrets.reduce((masked, secret) => (secret.length > 0 ? masked.split(secret).join('****') : masked), text);
  if (!(error instanceof Error)) return { kind: 'other', name: 'Error', message: mask(String(error)) };
  const code = (error as NodeJS.ErrnoException).code;
  return {
    kind: 'other',
    name: error.name,
    message: mask(error.message),
    stack: error.stack && mask(error.stack),
    code: typeof code === 'string' ? code : undefined,
  };
}

export function rebuiltError(sent: SentError): Error {
  if (sent.kind === 'refusal') return new KeysmithError(sent.code, sent.message, sent.details);
  const error: Error & { code?: string } = new Error(sent.message);
  error.name = sent.name;
  if (sent.stack !== undefined) error.stack = sent.stack;
  if (sent.code !== undefined) error.code = sent.code;
  return error;
}
