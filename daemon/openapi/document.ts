// Builds the OpenAPI 3.1 document from the route table (operations.ts): request bodies and queries from
// the zod schemas the daemon validates with, answers from responseSchemas.ts, all through zod's own
// z.toJSONSchema (OpenAPI 3.1 schemas are JSON Schema 2020-12).
import { z } from 'zod';
import { DAEMON_VERSION } from '../version';
import { keyLookupSchema } from '../validation/lookupSchema';
import * as requests from '../validation/schemas';
import { EMPTY_BODY, OPERATIONS, PARSER_REFUSALS, statusesOf, type Operation } from './operations';
import * as responses from './responseSchemas';
import { MEMBER_SCHEMAS } from './memberOperations';

/** Component names: what a reader sees under components/schemas. */
const NAMED: Record<string, z.ZodType> = {
  ...MEMBER_SCHEMAS,
  KeyCreate: requests.keyCreateSchema,
  KeyImport: requests.keyImportSchema,
  KeyPatch: requests.keyPatchSchema,
  KeyRegenerate: requests.keyRegenerateSchema,
  KeyQuery: requests.keyQuerySchema,
  InjectRequest: requests.injectSchema,
  InjectTarget: requests.targetSchema,
  ServiceCreate: requests.serviceCreateSchema,
  ServicePatch: requests.servicePatchSchema,
  TokenCreate: requests.tokenCreateSchema,
  AuditQuery: requests.auditQuerySchema,
  EmptyBody: EMPTY_BODY,
  ErrorBody: responses.errorBody,
  Health: responses.health,
  Service: responses.service,
  ServiceList: responses.serviceList,
  KeyView: responses.keyView,
  KeyList: responses.keyList,
  SecretMaterial: responses.secretMaterial,
  KeyLookup: keyLookupSchema,
  KeyLookupResponse: responses.keyLookupResponse,
  KeyCreated: responses.keyCreated,
  KeyImported: responses.keyImported,
  KeyRegenerated: responses.keyRegenerated,
  RevealResponse: responses.revealResponse,
  InjectResult: responses.injectResult,
  InjectResponse: responses.injectResponse,
  InjectPresetList: responses.injectPresetList,
  VerifyRequest: responses.verifyRequest,
  VerifyResponse: responses.verifyResponse,
  TokenCreated: responses.tokenCreated,
  TokenList: responses.tokenList,
  AuditList: responses.auditList,
  OpenApiDocument: responses.openApiDocument,
};

type JsonObject = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function componentSchemas(): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(NAMED)) registry.add(schema, { id });
  // io "input": what a client sends (and, for answers, what it receives: they have no transforms).
  // Refinements (dates in order, IP syntax...) have no JSON Schema form; the daemon's 400 names them.
  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  const clean: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonObject;
    clean[id] = rest;
  }
  return clean;
}

function nameOf(schema: z.ZodType): string {
  const name = Object.keys(NAMED).find((id) => NAMED[id] === schema);
  if (!name) throw new Error('openapi: a schema used by a route has no component name in NAMED');
  return name;
}

function parameters(op: Operation, schemas: Record<string, JsonObject>): JsonObject[] {
  const path = [...op.path.matchAll(/:(\w+)/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  if (!op.query) return path;
  const query = schemas[nameOf(op.query)]!;
  const properties = (query.properties ?? {}) as Record<string, JsonObject>;
  return [...path, ...Object.entries(properties).map(([name, schema]) => ({ name, in: 'query', required: false, schema }))];
}

function operationObject(op: Operation, schemas: Record<string, JsonObject>): JsonObject {
  const answers: Record<string, JsonObject> = {};
  for (const [status, description] of statusesOf(op)) {
    const schema = status === op.success.status ? op.success.schema : status >= 400 ? responses.errorBody : undefined;
    answers[String(status)] = schema ? { description, content: { 'application/json': { schema: ref(nameOf(schema)) } } } : { description };
  }
  const operation: JsonObject = {
    operationId: `${op.method}${op.path.replace(/\/v1|[/:.]+(\w)?/g, (_, c?: string) => (c ? c.toUpperCase() : ''))}`,
    summary: op.summary,
    tags: [op.tag],
    parameters: parameters(op, schemas),
    responses: answers,
  };
  if (op.public) operation.security = [];
  if (op.verifyTokens) operation.description = 'Verify-only tokens (POST /v1/tokens) may call this route too; they may call no other.';
  if (op.body) {
    operation.requestBody = { required: !op.body.optional, content: { 'application/json': { schema: ref(nameOf(op.body.schema)) } } };
  }
  return operation;
}

/** The document GET /v1/openapi.json serves: built once, it depends on nothing at run time. */
export const buildOpenApiDocument = (): JsonObject => {
  const schemas = componentSchemas();
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const op of OPERATIONS) {
    const path = op.path.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[op.method] = operationObject(op, schemas);
  }
  const parserRefusals = Object.entries(PARSER_REFUSALS)
    .map(([status, why]) => `${status} ${why}`)
    .join('; ');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Keysmith daemon',
      version: DAEMON_VERSION,
      description:
        'The local Keysmith daemon: API keys from generator to config file. It listens on 127.0.0.1 ' +
        'only; the admin token is in <dataDir>/daemon.json. Every error is {"error": {code, message, details?}}. ' +
        `Before any route, Node's HTTP parser may refuse a request with the same error shape: ${parserRefusals}.`,
    },
    servers: [{ url: 'http://127.0.0.1:{port}', variables: { port: { default: '0', description: 'daemon.json → port' } } }],
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The token from daemon.json, or a verify-only token for POST /v1/verify.' },
      },
    },
  };
};
