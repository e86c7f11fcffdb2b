import { toJsonSchema, toJsonSchemaDefs, type ConversionConfig, type JsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { ROUTES } from '../../config/routes';
import { fullSchema, partialSchema } from '../../domain/session-schema';
import {
  childTransactionSchema,
  CONTRACTS,
  detailErrorSchema,
  fieldErrorsSchema,
  operationEventSchema,
  paymentEventSchema,
  paymentMethodSchema,
  paymentStatusSchema,
  sessionDocumentSchema,
  WEBHOOKS,
  type RouteContract,
  type WebhookContract,
} from './api-contract';

type Json = Record<string, unknown>;

// Named once in `components` and referred to wherever they appear, nested ones too: the session
// routes share their request and answer schemas, the webhooks and the operation routes theirs.
const SHARED = {
  Session: sessionDocumentSchema,
  SessionFields: fullSchema,
  SessionChanges: partialSchema,
  PaymentMethod: paymentMethodSchema,
  ChildTransaction: childTransactionSchema,
  PaymentEvent: paymentEventSchema,
  OperationEvent: operationEventSchema,
  PaymentStatus: paymentStatusSchema,
  FieldErrors: fieldErrorsSchema,
  DetailError: detailErrorSchema,
} as const;

/**
 * How a valibot schema becomes JSON Schema, as clients see it (its input): custom checks and
 * transforms have no JSON Schema, so they are skipped, and the `metadata` the schemas carry fills
 * in their type, pattern and description. Each field's limits (maxLength, enum, minItems, …) come
 * from the validation actions themselves. A SHARED schema becomes a reference to its component.
 */
const CONVERSION: ConversionConfig = {
  target: 'draft-2020-12',
  typeMode: 'ignore',
  errorMode: 'ignore',
  definitions: SHARED,
  overrideRef: ({ referenceId }) => `#/components/schemas/${referenceId}`,
};

export function jsonSchemaOf(schema: v.GenericSchema): Json {
  const { $schema: _dialect, $defs: _defs, ...rest } = toJsonSchema(schema, CONVERSION) as JsonSchema & Json;
  return rest;
}

/**
 * The OpenAPI 3.1 document: every route of the route table with its contract. Built ahead of time
 * (scripts/build-openapi.ts), never in a Lambda, so @valibot/to-json-schema is a dev dependency.
 */
export function openApiDocument(serverUrl?: string): Json {
  const { definitions: _shared, ...withoutRefs } = CONVERSION;
  const components = toJsonSchemaDefs(SHARED, withoutRefs) as unknown as Record<string, Json>;
  const refOf = jsonSchemaOf;
  const paths: Record<string, Json> = {};
  for (const route of ROUTES) {
    const contract = CONTRACTS[route.id];
    if (!contract) throw new Error(`route ${route.id} has no contract in api-contract.ts`);
    const pathItem = (paths[route.path] ??= {});
    pathItem[route.method.toLowerCase()] = operation(route.id, route.method, route.path, contract, refOf);
  }
  const webhooks = Object.fromEntries(Object.entries(WEBHOOKS).map(([name, webhook]) => [name, { post: webhookOperation(name, webhook, refOf) }]));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Checkout API',
      version: '1.0.0',
      description:
        "An Ottu-compatible Checkout API. Every path also accepts a trailing slash. Errors use Ottu's (Django REST framework's) shapes. Every response carries X-Request-Id. POSTs that need credentials honour Idempotency-Key (the operation route also Ottu's Tracking-Key): the same key and body return the first answer, the same key with another body is a 409. The webhooks the API sends to a session's webhook_url, with how to verify their signature, are in this document's webhooks section (in the HTML reference at /docs#webhooks).",
    },
    ...(serverUrl && { servers: [{ url: serverUrl }] }),
    tags: [...new Set(Object.values(CONTRACTS).map((c) => c.tag))].map((name) => ({ name })),
    paths,
    webhooks,
    components: {
      schemas: components,
      securitySchemes: {
        ApiKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Authorization: Api-Key <key>' },
        Basic: { type: 'http', scheme: 'basic' },
      },
    },
  };
}

const IDEMPOTENCY_KEY: Json = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
  description: 'The same key and body return the first answer (with Idempotent-Replayed: true); the same key with another body is a 409. Kept 24 hours, per caller and route.',
  example: 'order-1001-create',
};
const TRACKING_KEY: Json = {
  name: 'Tracking-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
  description:
    "Ottu's operation key, by Idempotency-Key's rule: a repeat with the same key and body returns the first result and performs nothing again (one that arrives while the first runs waits for its answer); the same key with another body (another amount, operation or session) is a 409. Ottu's documentation says a repeat with the same key and session_id returns the original operation's status; a different amount under the same key is refused here rather than answered as if it had been done.",
  example: 'refund-ORD-1001-1',
};

function operation(id: string, method: string, path: string, contract: RouteContract, refOf: (schema: v.GenericSchema) => Json): Json {
  const parameters: Json[] = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name: name!, in: 'path', required: true, schema: { type: 'string' }, example: contract.example.path?.[name!] }));
  if (contract.query) {
    const query = jsonSchemaOf(contract.query) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema, example: contract.example.query?.[name] });
    }
  }
  // The idempotency middleware reads the keys on POST only.
  if (contract.auth && method === 'POST') parameters.push(IDEMPOTENCY_KEY);
  if (contract.trackingKey) parameters.push(TRACKING_KEY);
  const op: Json = { operationId: id, summary: contract.summary, tags: [contract.tag], parameters };
  if (contract.description) op.description = contract.description;
  if (contract.auth) op.security = [{ ApiKey: [] }, { Basic: [] }];
  if (contract.request) {
    const { schema, mediaTypes, files } = contract.request;
    const body = refOf(schema);
    const fileFields = Object.fromEntries(Object.entries(files ?? {}).map(([name, description]) => [name, { type: 'string', format: 'binary', description }]));
    // A multipart body is the same fields plus its file parts.
    const withFiles = !files ? body : body.$ref ? { allOf: [body, { type: 'object', properties: fileFields }] } : { ...body, properties: { ...(body.properties as Json), ...fileFields } };
    const example = contract.example.body;
    op.requestBody = {
      required: true,
      content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: type === 'multipart/form-data' ? withFiles : body, example }])),
    };
  }
  op.responses = Object.fromEntries(
    Object.entries(contract.responses).map(([status, response]) => {
      const answer: Json = { description: response.description, headers: { 'X-Request-Id': { schema: { type: 'string' }, description: "The request's id (API Gateway's).", example: 'Vx3fLjQ2oAMEbXw=' } } };
      const { body, example } = response;
      if (body === 'html') answer.content = { 'text/html': { schema: { type: 'string' }, example } };
      else if (body === 'svg') answer.content = { 'image/svg+xml': { schema: { type: 'string' }, example } };
      else if (body === 'file') answer.content = { 'application/octet-stream': { schema: { type: 'string', format: 'binary' }, example } };
      else if (body === 'openapi') answer.content = { 'application/json': { schema: { type: 'object', description: 'An OpenAPI 3.1 document.', additionalProperties: true }, example } };
      else if (body === 'redirect') (answer.headers as Json).Location = { schema: { type: 'string', format: 'uri' }, example };
      else if (body) answer.content = { 'application/json': { schema: refOf(body), example } };
      return [status, answer];
    }),
  );
  return op;
}

/** One webhook as an OpenAPI 3.1 `webhooks` entry: the request we send and the answers we expect. */
function webhookOperation(name: string, webhook: WebhookContract, refOf: (schema: v.GenericSchema) => Json): Json {
  return {
    operationId: name,
    summary: webhook.summary,
    description: webhook.description,
    tags: ['Webhooks'],
    parameters: Object.entries(webhook.headers).map(([header, { description, example }]) => ({ name: header, in: 'header', required: true, schema: { type: 'string' }, description, example })),
    requestBody: {
      required: true,
      content: { 'application/json': { schema: refOf(webhook.schema), examples: Object.fromEntries(Object.entries(webhook.examples).map(([key, value]) => [key, { value }])) } },
    },
    responses: {
      '2XX': { description: 'Delivered; the body is ignored.' },
      default: { description: 'A timeout, connection error, 5xx, 408 or 429 is retried with backoff for up to 24 hours; any other answer goes to the dead-letter queue.' },
    },
  };
}
