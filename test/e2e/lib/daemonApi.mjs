// Admin calls to the daemon the extension started for a suite, found as any client finds it: through
// the calling card it writes in its data dir (`daemon.json`: admin socket and token). For setting a
// scene a UI test then looks at (keys that exist before a file holding them is opened); what the user
// does still goes through the workbench. The secrets answered stay in the test's memory.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/** The running daemon's calling card; waits for it, since the extension may still be starting it. */
export async function daemonCard(dataDir, { timeout = 60_000 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return JSON.parse(readFileSync(path.join(dataDir, 'daemon.json'), 'utf8'));
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`no daemon.json in ${dataDir} after ${timeout / 1000}s`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** One admin request over the socket; resolves to `{ status, body }` (body parsed from JSON). */
export function adminRequest(card, method, urlPath, json) {
  const payload = json === undefined ? undefined : JSON.stringify(json);
  const headers = { host: 'localhost', authorization: `Bearer ${card.token}` };
  if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  return new Promise((resolve, reject) => {
    const request = http.request({ socketPath: card.socket, method, path: urlPath, headers, agent: false }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode, body: text ? JSON.parse(text) : undefined });
      });
    });
    request.on('error', reject);
    request.end(payload);
  });
}

/**
 * Creates a key (`POST /v1/keys`); resolves to `{ key, secret }` with `secret` the key's text.
 * A refusal is reported by status and error code only: an answer is never printed whole.
 */
export async function createKey(card, { serviceId, environment, name }) {
  const answer = await adminRequest(card, 'POST', '/v1/keys', { serviceId, environment, name });
  if (answer.status !== 201) throw new Error(`creating key "${name}" answered ${answer.status} ${answer.body?.error?.code ?? ''}`);
  return { key: answer.body.key, secret: answer.body.secret.secret };
}
