// The one typed client of the daemon's HTTP API (docs/API.md), on the daemon's admin socket. Tree,
// commands and webviews all go through it; nothing else in the extension speaks HTTP to the daemon.
// It sends the admin token (and any secret) only to a process that proved, with the health challenge,
// that it is the daemon which wrote daemon.json (daemon/daemonProof.ts); no vscode import, so node tests
// can drive it.
import * as http from 'node:http';
import { proveDaemon } from '../common/daemonProof';
import type {
  AuditList,
  ErrorBody,
  Health,
  InjectPreset,
  InjectPresetList,
  InjectRequest,
  InjectResponse,
  KeyCreate,
  KeyCreated,
  KeyImport,
  KeyList,
  KeyPatch,
  KeyQuery,
  KeyRegenerate,
  KeyRegenerated,
  KeyView,
  RevealResponse,
  Service,
} from '../daemon/protocol';
import type { KeyLookupRequest, KeyLookupResponse } from '../daemon/protocol';
import { MAX_LOOKUP_HASHES } from '../common/lookupLimits';
import { DaemonError, DaemonUnavailableError } from './daemonErrors';

export interface DaemonEndpoint {
  /** The admin socket (named pipe on Windows) from daemon.json. */
  socket: string;
  token: string;
}

/** Where the client learns how to reach the daemon; implemented by DaemonProcess. */
export interface EndpointSource {
  current(): DaemonEndpoint | undefined;
  /** Re-reads `daemon.json`: another window may have restarted the daemon with a new token. */
  refresh(): Promise<DaemonEndpoint | undefined>;
  /** Told when the daemon stopped answering, so the status bar can say so. */
  lost(reason: string): void;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const REQUEST_TIMEOUT_MS = 15_000;
/** Failures where the request certainly never reached a live daemon, so retrying cannot double-apply. */
const NOT_SENT = new Set(['ECONNREFUSED', 'EADDRNOTAVAIL', 'ENOTFOUND']);

class ConnectionFailure extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** What answers on the socket is not the daemon of daemon.json; nothing was sent to it. */
export class ImpostorError extends DaemonUnavailableError {
  constructor(socket: string) {
    super(`what answers on ${socket} did not prove it is the Keysmith daemon; nothing was sent to it`);
    this.name = 'ImpostorError';
  }
}

export class DaemonClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  /** The endpoint whose daemon answered our last challenge; cleared when a connection fails. */
  private proven: DaemonEndpoint | undefined;

  constructor(private readonly source: EndpointSource) {}

  health(): Promise<Health> {
    return this.request('GET', '/v1/health');
  }
  async listServices(): Promise<Service[]> {
    return (await this.request<{ items: Service[] }>('GET', '/v1/services')).items;
  }
  listKeys(query: KeyQuery = {}): Promise<KeyList> {
    return this.request('GET', `/v1/keys${toQueryString(query)}`);
  }
  getKey(id: string): Promise<KeyView> {
    return this.request('GET', `/v1/keys/${encodeURIComponent(id)}`);
  }
  createKey(body: KeyCreate): Promise<KeyCreated> {
    return this.request('POST', '/v1/keys', body);
  }
  async importKey(body: KeyImport): Promise<KeyView> {
    return (await this.request<{ key: KeyView }>('POST', '/v1/keys/import', body)).key;
  }
  updateKey(id: string, patch: KeyPatch): Promise<KeyView> {
    return this.request('PATCH', `/v1/keys/${encodeURIComponent(id)}`, patch);
  }
  async deleteKey(id: string): Promise<void> {
    await this.request('DELETE', `/v1/keys/${encodeURIComponent(id)}`);
  }
  deactivateKey(id: string): Promise<KeyView> {
    return this.request('POST', `/v1/keys/${encodeURIComponent(id)}/deactivate`, {});
  }
  reactivateKey(id: string): Promise<KeyView> {
    return this.request('POST', `/v1/keys/${encodeURIComponent(id)}/reactivate`, {});
  }
  revokeKey(id: string): Promise<KeyView> {
    return this.request('POST', `/v1/keys/${encodeURIComponent(id)}/revoke`, {});
  }
  regenerateKey(id: string, body: KeyRegenerate): Promise<KeyRegenerated> {
    return this.request('POST', `/v1/keys/${encodeURIComponent(id)}/regenerate`, body);
  }
  revealKey(id: string): Promise<RevealResponse> {
    return this.request('POST', `/v1/keys/${encodeURIComponent(id)}/reveal`, {});
  }
  previewInjection(body: InjectRequest): Promise<InjectResponse> {
    return this.request('POST', '/v1/inject/preview', body);
  }
  inject(body: InjectRequest): Promise<InjectResponse> {
    return this.request('POST', '/v1/inject', body);
  }
  async listInjectPresets(): Promise<InjectPreset[]> {
    return (await this.request<InjectPresetList>('GET', '/v1/inject/presets')).items;
  }
  /** The stored keys among these secret hashes (SHA-256 hex), batched by the daemon's per-request cap. */
  async lookupKeys(hashes: readonly string[]): Promise<KeyLookupResponse['items']> {
    const items: KeyLookupResponse['items'] = [];
    for (let start = 0; start < hashes.length; start += MAX_LOOKUP_HASHES) {
      const body: KeyLookupRequest = { hashes: hashes.slice(start, start + MAX_LOOKUP_HASHES) };
      items.push(...(await this.request<KeyLookupResponse>('POST', '/v1/keys/lookup', body)).items);
    }
    return items;
  }
  listAudit(filter: { keyId?: string; limit?: number } = {}): Promise<AuditList> {
    return this.request('GET', `/v1/audit${toQueryString(filter)}`);
  }

  dispose(): void {
    this.agent.destroy();
  }

  private async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    let endpoint = this.source.current() ?? (await this.source.refresh());
    if (!endpoint) throw new DaemonUnavailableError('no daemon.json');
    try {
      return await this.proveThenSend<T>(endpoint, method, path, body);
    } catch (error) {
      const retryable =
        (error instanceof ConnectionFailure && (NOT_SENT.has(error.code) || method === 'GET')) ||
        (error instanceof DaemonError && error.status === 401);
      if (!retryable) throw this.translate(error);
      const fresh = await this.source.refresh();
      const changed = fresh && (fresh.socket !== endpoint.socket || fresh.token !== endpoint.token);
      if (!fresh || !changed) throw this.translate(error);
      endpoint = fresh;
      return this.proveThenSend<T>(endpoint, method, path, body).catch((e: unknown) => {
        throw this.translate(e);
      });
    }
  }

  private async proveThenSend<T>(endpoint: DaemonEndpoint, method: Method, path: string, body?: unknown): Promise<T> {
    if (this.proven?.socket !== endpoint.socket || this.proven.token !== endpoint.token) {
      const proof = await proveDaemon(endpoint.socket, endpoint.token);
      if (!proof.proved) {
        if (proof.answered) throw new ImpostorError(endpoint.socket);
        throw new ConnectionFailure('ECONNREFUSED');
      }
      this.proven = endpoint;
    }
    return this.send<T>(endpoint, method, path, body);
  }

  private translate(error: unknown): unknown {
    if (error instanceof ImpostorError) this.source.lost(error.reason);
    if (!(error instanceof ConnectionFailure)) return error;
    // The next request proves the daemon again: whatever answers after a failure may not be it.
    this.proven = undefined;
    this.source.lost(error.code);
    return new DaemonUnavailableError(error.code);
  }

  private send<T>(endpoint: DaemonEndpoint, method: Method, path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise<T>((resolve, reject) => {
      const req = http.request(
        {
          socketPath: endpoint.socket,
          method,
          path,
          agent: this.agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers: {
            authorization: `Bearer ${endpoint.token}`,
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', () => reject(new ConnectionFailure('ECONNRESET')));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            if (status < 200 || status >= 300) return reject(toDaemonError(status, text));
            try {
              resolve((text ? JSON.parse(text) : undefined) as T);
            } catch {
              // A throw here would escape the promise: the caller would wait forever.
              reject(
                new DaemonError(
                  status,
                  'NOT_JSON',
                  `What answers on ${endpoint.socket} sent status ${status} without JSON; it is not the Keysmith daemon.`,
                ),
              );
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new ConnectionFailure('ETIMEDOUT')));
      req.on('error', (e: NodeJS.ErrnoException) =>
        reject(e instanceof ConnectionFailure ? e : new ConnectionFailure(e.code ?? 'ECONNRESET')),
      );
      req.end(payload);
    });
  }
}

function toDaemonError(status: number, text: string): DaemonError {
  try {
    const body = JSON.parse(text) as Partial<ErrorBody>;
    if (body.error && typeof body.error.code === 'string') {
      return new DaemonError(status, body.error.code, body.error.message, body.error.details);
    }
  } catch {
    // Not the API's error shape: fall through to a generic message.
  }
  return new DaemonError(status, `HTTP_${status}`, `The Keysmith daemon answered with status ${status}.`);
}

function toQueryString(query: object): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
