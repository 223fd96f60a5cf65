// The HTTP contract of the Keysmith daemon (docs/API.md), as TypeScript types.
// Besides common/, this is the only daemon file the extension and common/ may import (ESLint's layer rules
// enforce it): keep it free of runtime code so importing it never drags the daemon into their bundles.

export const API_VERSION = 'v1' as const;

export type Environment = 'test' | 'production';
/** How a key is presented to the platform that receives it. */
export type AuthScheme = 'bearer' | 'basic' | 'pair';
/** Stored status; `scheduled` and `expired` are derived from the dates. */
export type KeyStatus = 'active' | 'inactive' | 'revoked';
export type KeyState = KeyStatus | 'scheduled' | 'expired';
export type KeySort = 'startsAt' | 'createdAt' | 'name';
export type SortOrder = 'asc' | 'desc';

/**
 * Every code an error answer can carry. Domain refusals are thrown as KeysmithError by the daemon's
 * core and mapped to a status in one table at the HTTP edge; transport refusals (Host, Origin, token,
 * content type, size, timeouts, which port) are made by the HTTP layer itself.
 */
export type ErrorCode =
  // A request or a value in it.
  | 'VALIDATION_FAILED'
  | 'INVALID_CHALLENGE'
  | 'NOT_FOUND'
  // Key and service rules.
  | 'KEY_REVOKED'
  | 'KEY_NOT_REVOKED'
  | 'ALREADY_ROTATED'
  | 'NOT_RETRIEVABLE'
  | 'DUPLICATE_SECRET'
  | 'SERVICE_IN_USE'
  | 'SERVICE_MISSING'
  | 'SERVICE_DISABLED'
  | 'BUILT_IN'
  // A record changed since it was read (another request or another daemon wrote it).
  | 'CONFLICT'
  // The member's role does not allow this.
  | 'FORBIDDEN_ROLE'
  // Injection into config files.
  | 'FILE_CHANGED'
  | 'TRACKED_BY_GIT'
  | 'INVALID_TARGET'
  | 'INVALID_WORKSPACE'
  | 'INVALID_PATH'
  | 'UNPARSABLE_FILE'
  | 'UNKNOWN_FORMAT'
  | 'UNREPRESENTABLE_VALUE'
  | 'INVALID_MAPPINGS'
  | 'NO_AUTHORIZATION'
  | 'INJECTION_TOO_SLOW'
  // The daemon's own state.
  | 'SEALED_SECRET_DAMAGED'
  | 'STORE_WRITE_FAILED'
  | 'STORE_UNAVAILABLE'
  | 'SHUTTING_DOWN'
  | 'INTERNAL'
  // Transport.
  | 'BAD_REQUEST'
  | 'MALFORMED_JSON'
  | 'FORBIDDEN_KEY'
  | 'MISSING_HOST'
  | 'FORBIDDEN_HOST'
  | 'FORBIDDEN_ORIGIN'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN_TOKEN'
  | 'ADMIN_SOCKET_ONLY'
  | 'ADMIN_TOKEN_ON_TCP'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'REQUEST_TIMEOUT'
  | 'HEADERS_TOO_LARGE';

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    /** For validation errors: one entry per bad field, keyed by its dotted path. */
    details?: Record<string, string> | unknown;
  };
}

export interface Health {
  status: 'ok';
  version: string;
  /** On the socket, for `?challenge=<hex>`: HMAC-SHA256 of the challenge keyed from the admin token (daemon/daemonProof.ts). */
  proof?: string;
  /** On the socket only: which store the daemon runs on, `embedded` or `postgres://host:port/db` (never a password). */
  store?: string;
  /** On the socket only: the member the daemon acts as, and so what its clients may do. */
  member?: MemberIdentity;
}

/** Written to `<dataDir>/daemon.json` (mode 0600) while a daemon runs. */
export interface DaemonInfo {
  /** The admin API: a Unix-domain socket in the data dir (a named pipe on Windows). */
  socket: string;
  /** TCP port on 127.0.0.1 for app servers: GET /v1/health and POST /v1/verify with verify tokens only. */
  port: number;
  pid: number;
  token: string;
  version: string;
}

export interface Service {
  id: string;
  name: string;
  code?: string;
  description?: string;
  endpoint?: string;
  enabled: boolean;
  /** Why a disabled catalogue entry is unavailable, shown next to it (e.g. "needs a Cabinet subscription"). */
  disabledReason?: string;
  scheme: AuthScheme;
  prefix: string;
  /** The methods a key of this service may be granted; empty means the service has no method permissions. */
  permissions: string[];
  /** Whether keys of this service may carry company restrictions. */
  supportsCompanies?: boolean;
  defaultValidityDays?: number;
  builtIn: boolean;
  /** How the platform names its environments when it differs from ours (Payline: test = "homologation"). */
  environmentLabels?: Partial<Record<Environment, string>>;
}

export interface ServiceCreate {
  name: string;
  code?: string;
  description?: string;
  endpoint?: string;
  enabled?: boolean;
  disabledReason?: string;
  scheme?: AuthScheme;
  prefix?: string;
  permissions?: string[];
  supportsCompanies?: boolean;
  defaultValidityDays?: number;
}
export type ServicePatch = Partial<ServiceCreate>;

export interface KeyView {
  id: string;
  serviceId: string;
  environment: Environment;
  name: string;
  reference: string;
  hint: string;
  /** `****` + hint. */
  masked: string;
  status: KeyStatus;
  state: KeyState;
  retrievable: boolean;
  /** `generated` here, or `imported` from an outside platform. */
  origin: 'generated' | 'imported';
  startsAt: string;
  expiresAt?: string;
  permissions: string[];
  companies: string[];
  ipAllowList: string[];
  organization?: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  lastUsedAt?: string;
  lastUsedIp?: string;
  useCount: number;
  rotatedFrom?: string;
  rotatedTo?: string;
  graceUntil?: string;
  revokedAt?: string;
  /** Bumped by every change of the key (not by uses): two clients editing one key cannot overwrite each other unseen. */
  version: number;
}

export interface KeyList {
  items: KeyView[];
  total: number;
  page: number;
  pageSize: number;
}

export interface KeyQuery {
  serviceId?: string;
  environment?: Environment;
  status?: KeyState;
  q?: string;
  /** A member name: only the keys that member created. */
  createdBy?: string;
  sort?: KeySort;
  order?: SortOrder;
  page?: number;
  pageSize?: number;
}

export type InjectValue = 'secret' | 'reference' | 'authorization' | 'pair';
export type InjectFormat = 'env' | 'json' | 'jsonc' | 'yaml' | 'properties' | 'ini' | 'toml' | 'xml';

export interface InjectTarget {
  /** Relative to the workspace folder. */
  file: string;
  /** Guessed from the file name when omitted. */
  format?: InjectFormat;
  /** A variable name or a dotted path. For `pair`, the path receiving the secret. */
  path: string;
  /** For `pair`: the path receiving the reference. */
  referencePath?: string;
  value: InjectValue;
  /** YAML files holding several documents (`---`): which one to write. Required there, refused elsewhere. */
  document?: YamlDocumentSelector;
}

/**
 * A document of a multi-document YAML file: its 0-based index, or dotted paths and the values
 * that pick out exactly one document, e.g. `{ "spring.config.activate.on-profile": "prod" }` or
 * `{ "kind": "Secret", "metadata.name": "api" }`.
 */
export type YamlDocumentSelector = number | Record<string, string>;

export interface InjectResult {
  file: string;
  path: string;
  changed: boolean;
  gitTracked: boolean;
  /** Git ignores the file, so `git add .` leaves it out. False outside a repository and for a tracked file. */
  gitIgnored: boolean;
  /** What the caller should tell the user about this file; the write (or preview) went ahead regardless. */
  warnings?: InjectWarning[];
  /** Preview only: the file's text before and after. */
  before?: string;
  after?: string;
  /** SHA-256 of the file as previewed; pass back as `expectedHash` to refuse a write over a changed file. */
  hash?: string;
  error?: { code: string; message: string };
}

export interface InjectWarning {
  /** NOT_GITIGNORED: the file is in a git work tree, neither tracked nor ignored, so `git add .` commits the key. */
  code: 'NOT_GITIGNORED';
  message: string;
  /** NOT_GITIGNORED: absolute path of the repository's top-level .gitignore (it may not exist yet). */
  gitignoreFile?: string;
  /** NOT_GITIGNORED: the line that ignores exactly this file there, e.g. `/config/.env`. */
  gitignoreLine?: string;
}

export interface InjectRequest {
  keyId: string;
  workspace: string;
  targets: Array<InjectTarget & { expectedHash?: string }>;
  secret?: string;
  force?: boolean;
}

export interface InjectResponse {
  results: InjectResult[];
}

/** An integration-kit preset: ready targets for the settings files a service's users already keep a key in. */
export interface InjectPreset {
  id: string;
  label: string;
  serviceId: string;
  targets: InjectTarget[];
}

/** `GET /v1/inject/presets` */
export interface InjectPresetList {
  items: InjectPreset[];
}

/** `.vscode/keysmith.json` in a workspace. */
export interface WorkspaceMappings {
  $schema?: string;
  mappings: Array<{
    serviceId: string;
    environment: Environment;
    targets: InjectTarget[];
  }>;
}

export interface KeyCreate {
  serviceId: string;
  environment: Environment;
  name: string;
  startsAt?: string;
  expiresAt?: string;
  permissions?: string[];
  companies?: string[];
  ipAllowList?: string[];
  organization?: string;
  workspace?: string;
  inject?: InjectTarget[];
  force?: boolean;
}

export interface KeyImport extends Omit<KeyCreate, 'inject'> {
  secret: string;
  reference?: string;
}

export interface KeyPatch {
  name?: string;
  startsAt?: string;
  expiresAt?: string | null;
  permissions?: string[];
  companies?: string[];
  ipAllowList?: string[];
  organization?: string | null;
}

export interface SecretMaterial {
  reference: string;
  secret: string;
  /** The ready-made `Authorization` header value, where the scheme has one. */
  authorization?: string;
}

export interface KeyCreated {
  key: KeyView;
  secret: SecretMaterial;
  injected?: InjectResult[];
}

export interface KeyRegenerate {
  graceSeconds?: number;
  workspace?: string;
  force?: boolean;
}

export interface KeyRegenerated extends KeyCreated {
  previous: KeyView;
}

export interface RevealResponse {
  secret: SecretMaterial;
}

export interface VerifyRequest {
  key?: string;
  authorization?: string;
  method?: string;
  company?: string;
  clientIp?: string;
}

export type VerifyFailure =
  | 'UNKNOWN'
  | 'REVOKED'
  | 'INACTIVE'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'FORBIDDEN_METHOD'
  | 'FORBIDDEN_COMPANY'
  | 'IP_NOT_ALLOWED'
  | 'MALFORMED';

export type VerifyResponse =
  | {
      valid: true;
      keyId: string;
      serviceId: string;
      environment: Environment;
      permissions: string[];
      organization?: string;
    }
  | { valid: false; code: VerifyFailure };

export interface TokenCreate {
  name: string;
  role: 'verify';
}

export interface TokenCreated {
  id: string;
  name: string;
  role: 'verify';
  /** Shown once. */
  token: string;
  createdAt: string;
}

export interface AuditEvent {
  id: string;
  at: string;
  actor: string;
  action: string;
  keyId?: string;
  details?: Record<string, unknown>;
}

export interface AuditList {
  items: AuditEvent[];
}

/** `GET /v1/services`. */
export interface ServiceList {
  items: Service[];
}

/** A verify token as listed by `GET /v1/tokens`: never the token itself. */
export type TokenSummary = Omit<TokenCreated, 'token'>;

/** `GET /v1/tokens`. */
export interface TokenList {
  items: TokenSummary[];
}

/** `POST /v1/keys/lookup`: SHA-256 hex hashes of keys found in files (at most 500 per request). */
export interface KeyLookupRequest {
  hashes: string[];
}

/** One entry per known hash, in the order asked; unknown hashes are simply absent. Never a secret. */
export interface KeyLookupResponse {
  items: Array<{ hash: string; key: KeyView }>;
}

/**
 * What a member may do: owner and admin everything; issuer its own keys; auditor reads; verifier verifies.
 * On a team store a member is a database login in one group role (migration 002); on the embedded
 * store the one member is the OS user, as owner.
 */
export type MemberRole = 'owner' | 'admin' | 'issuer' | 'auditor' | 'verifier';

export interface Member {
  name: string;
  role: MemberRole;
  createdAt: string;
}

/** Who a daemon acts as (`GET /v1/health`), and so what its clients may offer. */
export type MemberIdentity = Pick<Member, 'name' | 'role'>;

/** `GET /v1/members`. */
export interface MemberList {
  items: Member[];
}

/** `POST /v1/members`: the password is the member's database login password; it is never returned or logged. */
export interface MemberCreateRequest {
  name: string;
  role: MemberRole;
  password?: string;
}
