// The OpenAPI document is the route table's, and the route table is held to what Express registered:
// a route added without documenting it (or documented and gone) fails here. Statuses are held to what
// the suites observe in openapi.observedStatuses.test.ts.
import { strict as assert } from 'node:assert';
import { createApp } from '../../daemon/app';
import { OPERATIONS, statusesOf } from '../../daemon/openapi/operations';
import { useTestDaemon } from '../support/hooks';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** (METHOD path) of every route in an Express app, through its routers, as Express registered them. */
function registeredRoutes(stack: Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      return Object.keys(layer.route.methods)
        .filter((m) => layer.route!.methods[m])
        .map((m) => `${m.toUpperCase()} ${layer.route!.path}`);
    }
    return layer.handle?.stack ? registeredRoutes(layer.handle.stack) : [];
  });
}

describe('OpenAPI document', () => {
  const daemon = useTestDaemon();

  it('documents exactly the routes the Express app registers', () => {
    const app = createApp({ core: daemon.server.core }) as unknown as { router: { stack: Layer[] } };
    const registered = registeredRoutes(app.router.stack).sort();
    const documented = OPERATIONS.map((op) => `${op.method.toUpperCase()} ${op.path}`).sort();
    assert.ok(registered.length >= 20, `found only ${registered.length} routes: did Express's router layout change?`);
    assert.deepEqual(documented, registered);
  });

  it('is served at GET /v1/openapi.json as OpenAPI 3.1, with every route and every status of the table', async () => {
    const { status, headers, body } = await daemon.request('GET', '/v1/openapi.json');
    assert.equal(status, 200);
    assert.match(String(headers['content-type']), /^application\/json/);
    assert.equal(body.openapi, '3.1.0');
    for (const op of OPERATIONS) {
      const path = op.path.replace(/:(\w+)/g, '{$1}');
      const served = body.paths[path]?.[op.method];
      assert.ok(served, `${op.method.toUpperCase()} ${path} is in the document`);
      assert.deepEqual(Object.keys(served.responses).map(Number).sort(), [...statusesOf(op).keys()].sort());
      for (const name of path.match(/\{(\w+)\}/g) ?? []) {
        assert.ok(
          served.parameters.some((p: { in: string; name: string }) => p.in === 'path' && `{${p.name}}` === name),
          `${path} declares ${name}`,
        );
      }
    }
  });

  it('resolves every $ref to a component schema', async () => {
    const { body } = await daemon.request('GET', '/v1/openapi.json');
    const refs = JSON.stringify(body).match(/"\$ref":"[^"]+"/g) ?? [];
    assert.ok(refs.length > 20);
    for (const ref of new Set(refs)) {
      const name = /#\/components\/schemas\/(\w+)"$/.exec(ref)?.[1];
      assert.ok(name && body.components.schemas[name], `${ref} resolves`);
    }
  });

  it('describes request bodies from the schemas the daemon validates with', async () => {
    const { body } = await daemon.request('GET', '/v1/openapi.json');
    const create = body.components.schemas.KeyCreate;
    assert.deepEqual(create.required, ['serviceId', 'environment', 'name']);
    assert.deepEqual(create.properties.environment.enum, ['test', 'production']);
    assert.equal(create.additionalProperties, false, 'unknown fields are refused, as the daemon does');
    const list = body.paths['/v1/keys'].get.parameters.map((p: { name: string }) => p.name);
    assert.deepEqual(list, ['serviceId', 'environment', 'status', 'q', 'createdBy', 'sort', 'order', 'page', 'pageSize']);
  });

  it('describes the health answer with the store and the member the socket adds', async () => {
    const { body } = await daemon.request('GET', '/v1/openapi.json');
    const health = body.components.schemas.Health;
    assert.deepEqual(Object.keys(health.properties), ['status', 'version', 'proof', 'store', 'member']);
    assert.deepEqual(health.required, ['status', 'version'], 'store and member are absent on TCP');
    assert.deepEqual(health.properties.member.properties.role.enum, ['owner', 'admin', 'issuer', 'auditor', 'verifier']);
  });

  it('is behind the admin token like every admin route', async () => {
    assert.equal((await daemon.request('GET', '/v1/openapi.json', undefined, { token: null })).status, 401);
    const token = await daemon.request('POST', '/v1/tokens', { name: 'app', role: 'verify' });
    const verifyOnly = await daemon.request('GET', '/v1/openapi.json', undefined, { token: token.body.token });
    assert.equal(verifyOnly.status, 403);
    assert.equal(verifyOnly.body.error.code, 'FORBIDDEN_TOKEN');
  });
});
