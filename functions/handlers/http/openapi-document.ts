import { toJsonSchema, type JsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { ROUTES } from '../../config/routes';
import { CONTRACTS, detailErrorSchema, fieldErrorsSchema, sessionDocumentSchema, type RouteContract } from './api-contract';

type Json = Record<string, unknown>;

/**
 * Converts a valibot schema as clients see it (its input): custom checks and transforms have no
 * JSON Schema, so they are skipped, and the `metadata` the schemas carry fills in their type,
 * pattern and description. Each field's limits (maxLength, enum, minItems, …) come from the
 * validation actions themselves.
 */
export function jsonSchemaOf(schema: v.GenericSchema): Json {
  const { $schema: _dialect, ...rest } = toJsonSchema(schema, { target: 'draft-2020-12', typeMode: 'ignore', errorMode: 'ignore' }) as JsonSchema & Json;
  return rest;
}

const SHARED = { Session: sessionDocumentSchema, FieldErrors: fieldErrorsSchema, DetailError: detailErrorSchema } as const;

/**
 * The OpenAPI 3.1 document: every route of the route table with its contract. Built ahead of time
 * (scripts/build-openapi.ts), never in a Lambda, so @valibot/to-json-schema is a dev dependency.
 */
export function openApiDocument(serverUrl?: string): Json {
  const components = Object.fromEntries(Object.entries(SHARED).map(([name, schema]) => [name, jsonSchemaOf(schema)]));
  const refOf = (schema: v.GenericSchema): Json => {
    const shared = Object.entries(SHARED).find(([, candidate]) => candidate === schema);
    return shared ? { $ref: `#/components/schemas/${shared[0]}` } : jsonSchemaOf(schema);
  };
  const paths: Record<string, Json> = {};
  for (const route of ROUTES) {
    const contract = CONTRACTS[route.id];
    if (!contract) throw new Error(`route ${route.id} has no contract in api-contract.ts`);
    const pathItem = (paths[route.path] ??= {});
    pathItem[route.method.toLowerCase()] = operation(route.id, route.path, contract, refOf);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Checkout API',
      version: '1.0.0',
      description:
        "An Ottu-compatible Checkout API. Every path also accepts a trailing slash. Errors use Ottu's (Django REST framework's) shapes. Every response carries X-Request-Id. Webhooks: see docs/webhooks.md (signed with HMAC-SHA256 over Ottu's field list).",
    },
    ...(serverUrl && { servers: [{ url: serverUrl }] }),
    tags: [...new Set(Object.values(CONTRACTS).map((c) => c.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        ApiKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Authorization: Api-Key <key>' },
        Basic: { type: 'http', scheme: 'basic' },
      },
    },
  };
}

function operation(id: string, path: string, contract: RouteContract, refOf: (schema: v.GenericSchema) => Json): Json {
  const parameters: Json[] = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  if (contract.query) {
    const query = jsonSchemaOf(contract.query) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
    }
  }
  if (contract.auth) parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'On POST: the same key and body return the first response; the same key with another body is a 409.' });
  const op: Json = { operationId: id, summary: contract.summary, tags: [contract.tag], parameters };
  if (contract.description) op.description = contract.description;
  if (contract.auth) op.security = [{ ApiKey: [] }, { Basic: [] }];
  if (contract.request) {
    const { schema, mediaTypes, files } = contract.request;
    const body = refOf(schema);
    const withFiles = files
      ? { ...body, properties: { ...(body.properties as Json), ...Object.fromEntries(Object.entries(files).map(([name, description]) => [name, { type: 'string', format: 'binary', description }])) } }
      : body;
    op.requestBody = {
      required: true,
      content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: type === 'multipart/form-data' ? withFiles : body }])),
    };
  }
  op.responses = Object.fromEntries(
    Object.entries(contract.responses).map(([status, response]) => {
      const answer: Json = { description: response.description, headers: { 'X-Request-Id': { schema: { type: 'string' }, description: "The request's id (API Gateway's)." } } };
      if (response.body === 'html') answer.content = { 'text/html': { schema: { type: 'string' } } };
      else if (response.body === 'svg') answer.content = { 'image/svg+xml': { schema: { type: 'string' } } };
      else if (response.body === 'openapi') answer.content = { 'application/json': { schema: { type: 'object' } } };
      else if (response.body === 'redirect') (answer.headers as Json).Location = { schema: { type: 'string' } };
      else if (response.body) answer.content = { 'application/json': { schema: refOf(response.body) } };
      return [status, answer];
    }),
  );
  return op;
}
