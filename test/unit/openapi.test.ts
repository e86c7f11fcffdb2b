import { gunzipSync, inflateRawSync } from 'node:zlib';
import { gzipWithPrefix } from '../../functions/handlers/http/gzip-with-prefix';
import { API_REFERENCE_CSP, API_REFERENCE_HTML_GZIP, OPENAPI_JSON_TAIL } from '../../functions/handlers/http/openapi.generated';
import { API_REFERENCE_CSP as VIEW_CSP } from '../../functions/views/api-reference';
import { openApiTexts } from '../../scripts/build-openapi';
import * as v from 'valibot';
import { ROUTES } from '../../functions/config/routes';
import { fullSchema, partialSchema, uploadSchema } from '../../functions/domain/session-schema';
import { verifyWebhookSignature } from '../../functions/domain/webhook-signature';
import { EXAMPLE_WEBHOOK_KEY } from '../../functions/handlers/http/api-examples';
import { CONTRACTS, WEBHOOKS } from '../../functions/handlers/http/api-contract';
import { openApiDocument } from '../../functions/handlers/http/openapi-document';

const doc = openApiDocument('http://localhost:3000') as any;

/** A schema of the document with its `$ref` followed and an `allOf` merged (a multipart body is the fields plus its files). */
function resolved(schema: any): any {
  if (schema.$ref) return resolved(doc.components.schemas[schema.$ref.split('/').pop()]);
  if (!schema.allOf) return schema;
  const parts = schema.allOf.map(resolved);
  return { ...parts[0], properties: Object.assign({}, ...parts.map((part: any) => part.properties)), required: parts.flatMap((part: any) => part.required ?? []) };
}

/** Every operation of the document: the paths' and the webhooks'. */
function operations(): { where: string; op: any }[] {
  const found: { where: string; op: any }[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, any>)) for (const [method, op] of Object.entries(item)) found.push({ where: `${method.toUpperCase()} ${path}`, op });
  for (const [name, item] of Object.entries((doc.webhooks ?? {}) as Record<string, any>)) found.push({ where: `webhook ${name}`, op: item.post });
  return found;
}

/** The object entries of a valibot schema, through pipes (dict = pipe(custom, object)). */
function entriesOf(schema: v.GenericSchema): Record<string, v.GenericSchema> {
  const found = findEntries(schema);
  if (!found) throw new Error('not an object schema');
  return found;
}

function findEntries(schema: v.GenericSchema): Record<string, v.GenericSchema> | undefined {
  const s = schema as any;
  if (s.entries) return s.entries;
  for (const item of s.pipe ?? []) {
    const found = item !== schema && item.kind === 'schema' ? findEntries(item) : undefined;
    if (found) return found;
  }
  return undefined;
}

test('every route of the route table is in the document, with its method', () => {
  for (const route of ROUTES) {
    expect(CONTRACTS[route.id]).toBeDefined();
    expect(doc.paths[route.path]?.[route.method.toLowerCase()]).toMatchObject({ operationId: route.id });
  }
  // And nothing else: the document follows the table.
  const operations = Object.values(doc.paths as Record<string, object>).flatMap((item) => Object.keys(item));
  expect(operations).toHaveLength(ROUTES.length);
  expect(Object.keys(CONTRACTS).sort()).toEqual(ROUTES.map((r) => r.id).sort());
});

test('every route documents every field of the request schema its contract names (the handler\'s own)', () => {
  // The session routes name the very schemas their handlers parse with.
  expect(CONTRACTS.CreateSession!.request!.schema).toBe(fullSchema);
  expect(CONTRACTS.PutSession!.request!.schema).toBe(fullSchema);
  expect(CONTRACTS.PatchSession!.request!.schema).toBe(partialSchema);
  expect(CONTRACTS.UploadAttachment!.request!.schema).toBe(uploadSchema);
  for (const route of ROUTES) {
    const request = CONTRACTS[route.id]!.request;
    if (!request) continue;
    const content = doc.paths[route.path][route.method.toLowerCase()].requestBody.content;
    for (const media of Object.values(content) as any[]) {
      const schema = resolved(media.schema);
      for (const field of Object.keys(entriesOf(request.schema))) expect([route.id, schema.properties]).toEqual([route.id, expect.objectContaining({ [field]: expect.anything() })]);
    }
  }
});

test('limits, required fields and error shapes come from the schemas', () => {
  const create = doc.paths['/b/checkout/v1/pymt-txn'].post;
  const body = resolved(create.requestBody.content['application/json'].schema);
  expect(body.required).toEqual(expect.arrayContaining(['type', 'amount', 'currency_code', 'pg_codes']));
  expect(body.properties.order_no.anyOf[0]).toMatchObject({ type: 'string', maxLength: 128 });
  expect(body.properties.customer_email.anyOf[0]).toMatchObject({ maxLength: 128 });
  expect(body.properties.pg_codes).toMatchObject({ type: 'array', minItems: 1 });
  expect(body.properties.amount).toMatchObject({ type: 'string' });
  expect(body.properties.language.anyOf[0].enum).toEqual(['en', 'ar']);
  expect(body.properties.billing_address.anyOf[0].required).toEqual(['line1', 'city', 'state', 'country', 'postal_code']);
  expect(resolved(create.requestBody.content['multipart/form-data'].schema).properties.attachment).toMatchObject({ format: 'binary' });
  expect(create.security).toEqual([{ ApiKey: [] }, { Basic: [] }]);
  expect(create.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Session' });
  expect(create.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/FieldErrors' });
  expect(create.responses['401'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/DetailError' });
  expect(doc.components.schemas.Session.properties).toHaveProperty('checkout_url');
  expect(doc.components.schemas.DetailError.required).toEqual(['detail']);
  expect(doc.openapi).toBe('3.1.0');
  expect(JSON.stringify(doc)).not.toContain('"$schema"');
});

test('every operation and webhook has an example request and an example answer for every status', () => {
  const missing: string[] = [];
  for (const { where, op } of operations()) {
    for (const parameter of op.parameters ?? []) if (parameter.example === undefined) missing.push(`${where}: parameter ${parameter.name}`);
    for (const [type, media] of Object.entries((op.requestBody?.content ?? {}) as Record<string, any>)) {
      if (media.example === undefined && !Object.keys(media.examples ?? {}).length) missing.push(`${where}: ${type} request body`);
    }
    for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
      if (where.startsWith('webhook')) continue; // what the merchant answers: nothing to show
      if (status === '204') continue; // No Content: there is nothing to show
      const examples = [...Object.values((response.content ?? {}) as Record<string, any>).map((media) => media.example), response.headers?.Location?.example];
      if (!examples.some((example) => example !== undefined)) missing.push(`${where}: ${status} answer`);
      for (const [type, media] of Object.entries((response.content ?? {}) as Record<string, any>)) if (media.example === undefined) missing.push(`${where}: ${status} ${type}`);
    }
  }
  expect(missing).toEqual([]);
  expect(operations().length).toBe(ROUTES.length + Object.keys(WEBHOOKS).length);
});

test('no field is untyped: every schema in the document states its type, and every object its fields or, on purpose, any JSON', () => {
  const untyped: string[] = [];
  const visit = (schema: any, where: string) => {
    if (!schema || typeof schema !== 'object') return;
    if (!['type', '$ref', 'anyOf', 'oneOf', 'allOf', 'enum', 'const'].some((keyword) => keyword in schema)) untyped.push(where);
    if (schema.type === 'object' && !schema.properties && schema.additionalProperties === undefined) untyped.push(`${where} (an object without fields)`);
    for (const keyword of ['anyOf', 'oneOf', 'allOf']) (schema[keyword] ?? []).forEach((part: any, i: number) => visit(part, `${where}.${keyword}[${i}]`));
    for (const [name, field] of Object.entries(schema.properties ?? {})) visit(field, `${where}.${name}`);
    if (schema.items) visit(schema.items, `${where}[]`);
    if (typeof schema.additionalProperties === 'object') visit(schema.additionalProperties, `${where}{}`);
  };
  for (const [name, schema] of Object.entries(doc.components.schemas)) visit(schema, `components.${name}`);
  for (const { where, op } of operations()) {
    for (const parameter of op.parameters ?? []) visit(parameter.schema, `${where} ${parameter.name}`);
    for (const [type, media] of Object.entries((op.requestBody?.content ?? {}) as Record<string, any>)) visit(media.schema, `${where} ${type}`);
    for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
      for (const [type, media] of Object.entries((response.content ?? {}) as Record<string, any>)) visit(media.schema, `${where} ${status} ${type}`);
    }
  }
  expect(untyped).toEqual([]);
});

test('every example passes the schema it illustrates (answers strictly: no field the schema does not name)', () => {
  const failures: string[] = [];
  const check = (where: string, schema: v.GenericSchema, example: unknown) => {
    const result = v.safeParse(schema, example);
    if (!result.success) failures.push(`${where}: ${result.issues.map((issue) => `${v.getDotPath(issue) ?? ''} ${issue.message}`).join('; ')}`);
  };
  for (const [id, contract] of Object.entries(CONTRACTS)) {
    if (contract.request) check(`${id} request`, contract.request.schema, contract.example.body);
    for (const [status, response] of Object.entries(contract.responses)) {
      if (typeof response.body === 'object') check(`${id} ${status}`, response.body, response.example);
    }
  }
  for (const [name, webhook] of Object.entries(WEBHOOKS)) for (const [key, example] of Object.entries(webhook.examples)) check(`webhook ${name} ${key}`, webhook.schema, example);
  expect(failures).toEqual([]);
});

test('the webhooks section: payment and operation events, their headers, how to verify, and examples whose signature verifies', () => {
  expect(Object.keys(doc.webhooks)).toEqual(expect.arrayContaining(['paymentEvent', 'operationEvent', 'paymentStatus']));
  for (const [name, item] of Object.entries(doc.webhooks as Record<string, any>)) {
    expect([name, item.post.description]).toEqual([name, expect.stringContaining('HMAC-SHA256')]);
    expect(item.post.requestBody.content['application/json'].schema.$ref).toMatch(/^#\/components\/schemas\//);
    for (const { value } of Object.values(item.post.requestBody.content['application/json'].examples) as any[]) {
      expect(verifyWebhookSignature(value, EXAMPLE_WEBHOOK_KEY)).toBe(true);
      expect(verifyWebhookSignature({ ...value, amount: '999.000' }, EXAMPLE_WEBHOOK_KEY)).toBe(false);
    }
  }
  expect(doc.webhooks.operationEvent.post.requestBody.content['application/json'].examples.refunded.value).toMatchObject({ event_type: 'refunded', operation: 'refund', txn: { state: 'refunded' } });
});

test('Idempotency-Key is documented on every authenticated POST (and only there); Tracking-Key on the operation route', () => {
  for (const route of ROUTES) {
    const op = doc.paths[route.path][route.method.toLowerCase()];
    const headers = (op.parameters as any[]).filter((parameter) => parameter.in === 'header').map((parameter) => parameter.name);
    expect([route.id, headers.includes('Idempotency-Key')]).toEqual([route.id, !!CONTRACTS[route.id]!.auth && route.method === 'POST']);
    expect([route.id, headers.includes('Tracking-Key')]).toEqual([route.id, route.id === 'SessionOperation']);
  }
  const tracking = doc.paths['/b/pbl/v2/operation'].post.parameters.find((parameter: any) => parameter.name === 'Tracking-Key');
  expect(tracking.description).toContain('409');
});

test('links work from a deployed stage: no repository path, only the served pages', () => {
  const text = JSON.stringify(doc);
  expect(text).not.toMatch(/docs\/[\w-]+\.md|README|reference\/|functions\//);
  expect(doc.info.description).toContain('/docs#webhooks');
});

test('the generated module the OpenAPI functions serve matches the schemas (run `npm run build:openapi`)', () => {
  const unpack = (base64: string) => gunzipSync(Buffer.from(base64, 'base64')).toString('utf8');
  const json = `{${inflateRawSync(Buffer.from(OPENAPI_JSON_TAIL.deflated, 'base64')).toString('utf8')}`;
  expect({ json, html: unpack(API_REFERENCE_HTML_GZIP) }).toEqual(openApiTexts());
  expect(JSON.parse(json)).toEqual(openApiDocument());
  // gunzip checks the trailer's CRC-32 and length: the stored CRC and its shift hold.
  const served = gunzipSync(gzipWithPrefix('{"servers":[{"url":"https://pay.example.com"}],', OPENAPI_JSON_TAIL)).toString('utf8');
  expect(JSON.parse(served)).toEqual({ servers: [{ url: 'https://pay.example.com' }], ...openApiDocument() });
  expect(API_REFERENCE_CSP).toBe(VIEW_CSP);
});
