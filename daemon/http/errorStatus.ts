// The one place an error code becomes an HTTP status. Domain code throws KeysmithError with a code and
// never a status; the error handler, the verify fast path and the injection worker's refusals all come
// through here. `satisfies Record<ErrorCode, number>` makes a code added to the API without a status a
// compile error. Transport refusals (HttpError) carry their status and are listed for completeness.
import type { KeysmithError } from '../errors';
import type { ErrorCode } from '../protocol';
import { HttpError } from './errors';

const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_CHALLENGE: 400,
  NOT_FOUND: 404,

  KEY_REVOKED: 409,
  KEY_NOT_REVOKED: 409,
  ALREADY_ROTATED: 409,
  NOT_RETRIEVABLE: 409,
  DUPLICATE_SECRET: 409,
  SERVICE_IN_USE: 409,
  SERVICE_MISSING: 409,
  SERVICE_DISABLED: 409,
  BUILT_IN: 409,
  CONFLICT: 409,
  FORBIDDEN_ROLE: 403,

  FILE_CHANGED: 409,
  TRACKED_BY_GIT: 409,
  INVALID_TARGET: 400,
  INVALID_WORKSPACE: 400,
  INVALID_PATH: 400,
  UNPARSABLE_FILE: 400,
  UNKNOWN_FORMAT: 400,
  UNREPRESENTABLE_VALUE: 400,
  INVALID_MAPPINGS: 400,
  NO_AUTHORIZATION: 400,
  // The request was understood and is valid, but this file cannot be edited in the time allowed.
  INJECTION_TOO_SLOW: 422,

  SEALED_SECRET_DAMAGED: 500,
  STORE_WRITE_FAILED: 500,
  STORE_UNAVAILABLE: 503,
  SHUTTING_DOWN: 503,
  INTERNAL: 500,

  BAD_REQUEST: 400,
  MALFORMED_JSON: 400,
  FORBIDDEN_KEY: 400,
  MISSING_HOST: 400,
  FORBIDDEN_HOST: 403,
  FORBIDDEN_ORIGIN: 403,
  UNAUTHORIZED: 401,
  FORBIDDEN_TOKEN: 403,
  ADMIN_SOCKET_ONLY: 403,
  ADMIN_TOKEN_ON_TCP: 403,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  REQUEST_TIMEOUT: 408,
  HEADERS_TOO_LARGE: 431,
} as const satisfies Record<ErrorCode, number>;

/** Every code the API can answer, in the table's order (for the OpenAPI document's enum). */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** The status a refusal is answered with: a transport refusal's own, otherwise its code's. */
export function statusOf(error: KeysmithError): number {
  return error instanceof HttpError ? error.status : ERROR_STATUS[error.code];
}

/** A domain refusal as the HttpError the response writers send, status decided by its code. */
export function asHttpError(error: KeysmithError): HttpError {
  return error instanceof HttpError ? error : new HttpError(statusOf(error), error.code, error.message, error.details);
}
