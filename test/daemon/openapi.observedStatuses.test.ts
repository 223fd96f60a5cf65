// Every status an in-process daemon answers during the run must be in the OpenAPI route table. The
// hooks below sit at the top level of the file, so mocha runs them around the WHOLE run (root hooks):
// with `npm run test:unit` they watch the daemon, inject and reliability suites, every request those
// suites make, including the attacks and fuzzing. Daemons started as child processes are not watched.
// Statuses Node's parser answers straight on the socket (408, 431, ...) are listed as PARSER_REFUSALS
// in the document instead.
import { strict as assert } from 'node:assert';
import { ServerResponse, type IncomingMessage } from 'node:http';
import { COMMON_REFUSALS, OPERATIONS, statusesOf } from '../../daemon/openapi/operations';
import { startTestDaemon } from '../support/inProcessDaemon';

const observed = new Map<string, number>();
const originalWriteHead = ServerResponse.prototype.writeHead;

function record(req: IncomingMessage | undefined, status: number): void {
  if (!req?.method || req.url === undefined) return;
  const key = `${req.method} ${req.url.split('?')[0]} ${status}`;
  observed.set(key, (observed.get(key) ?? 0) + 1);
}

/**
 * Every answer of the daemon carries its security headers (set by the middleware, or passed to writeHead
 * by the fast path's sendJson); a suite's own stand-in server (cliClient.test.ts) is not the daemon.
 */
function isDaemonAnswer(res: ServerResponse, writeHeadArgs: unknown[]): boolean {
  return res.hasHeader(DAEMON_MARK) || writeHeadArgs.some((arg) => Array.isArray(arg) && arg.includes(DAEMON_MARK));
}
const DAEMON_MARK = 'content-security-policy';

before(() => {
  // writeHead is where every answer's status is fixed: Express's res.json/res.end call it, and so does
  // the verify fast path's sendJson.
  ServerResponse.prototype.writeHead = function writeHead(this: ServerResponse, status: number, ...rest: unknown[]) {
    if (isDaemonAnswer(this, rest)) record(this.req, status);
    return (originalWriteHead as (this: ServerResponse, status: number, ...rest: unknown[]) => ServerResponse).call(this, status, ...rest);
  } as typeof ServerResponse.prototype.writeHead;
});

// The documented route a request reached, matched as Express does: case-insensitive, one optional
// trailing slash, a parameter is one non-empty path segment. HEAD is served by the GET route.
const routes = OPERATIONS.map((op) => ({
  op,
  method: op.method.toUpperCase(),
  pattern: new RegExp(`^${op.path.replace(/[.]/g, '\\.').replace(/:\w+/g, '[^/]+')}/?$`, 'i'),
}));

/** What a request that reached no route can be answered: a refusal ahead of routing, or the JSON 404. */
const UNROUTED = new Set([...Object.keys(COMMON_REFUSALS).map(Number), 404]);

/** The observed `METHOD path status` entries the route table does not list, described for a person. */
function undocumented(entries: Iterable<string>): string[] {
  const found: string[] = [];
  for (const key of entries) {
    const [method, path, status] = key.split(' ') as [string, string, string];
    const route = routes.find((r) => r.method === (method === 'HEAD' ? 'GET' : method) && r.pattern.test(path));
    const allowed = route ? statusesOf(route.op) : UNROUTED;
    if (!allowed.has(Number(status)))
      found.push(
        route ? `${status} on ${route.method} ${route.op.path} (seen on ${method} ${path})` : `${status} on unrouted ${method} ${path}`,
      );
  }
  return found;
}

after(function checkObservedStatuses() {
  ServerResponse.prototype.writeHead = originalWriteHead as typeof ServerResponse.prototype.writeHead;
  assert.deepEqual(undocumented(observed.keys()), [], 'statuses the daemon answered that daemon/openapi/operations.ts does not list');
});

describe('OpenAPI statuses observed in the suites', () => {
  it('records the status of every daemon answer, the verify fast path included', async () => {
    const daemon = await startTestDaemon();
    try {
      await daemon.request('GET', '/v1/keys/no-such-key');
      await daemon.request('POST', '/v1/verify', { key: 'not-a-key' });
      assert.ok(observed.get('GET /v1/keys/no-such-key 404'));
      assert.ok(observed.get('POST /v1/verify 200'));
    } finally {
      await daemon.stop();
    }
  });

  it('names a status the route table does not list, and matches routes as Express does', () => {
    assert.deepEqual(undocumented(['DELETE /v1/keys/k1 201', 'PUT /v1/keys 200', 'GET /V1/KEYS/ 200', 'HEAD /v1/health 200']), [
      '201 on DELETE /v1/keys/:id (seen on DELETE /v1/keys/k1)',
      '200 on unrouted PUT /v1/keys',
    ]);
  });
});
