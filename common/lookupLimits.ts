/**
 * At most this many hashes per `POST /v1/keys/lookup`: 500 hashes are ~34 KB of JSON, well inside the
 * 64 KiB body limit. Scanners send more in several requests. Here, not in the schema file, so the CLI
 * and the extension batch by it without loading zod.
 */
export const MAX_LOOKUP_HASHES = 500;
