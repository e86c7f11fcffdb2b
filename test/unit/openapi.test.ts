import { gunzipSync, inflateRawSync } from 'node:zlib';
import { gzipWithPrefix } from '../../functions/handlers/http/gzip-with-prefix';
import { API_REFERENCE_CSP, API_REFERENCE_HTML_GZIP, OPENAPI_JSON_TAIL } from '../../functions/handlers/http/openapi.generated';
import { API_REFERENCE_CSP as VIEW_CSP } from '../../functions/views/api-reference';
import { openApiTexts } from '../../scripts/build-openapi';
import * as v from 'valibot';
import { ROUTES } from '../../functions/config/routes';
import { fullSchema, partialSchema, uploadSchema } from '../../functions/domain/session-schema';
import { CONTRACTS } from '../../functions/handlers/http/api-contract';
import { openApiDocument } from '../../functions/handlers/http/openapi-document';

const doc = openApiDocument('http://localhost:3000') as any;

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
      const schema = media.schema.$ref ? doc.components.schemas[media.schema.$ref.split('/').pop()] : media.schema;
      for (const field of Object.keys(entriesOf(request.schema))) expect([route.id, schema.properties]).toEqual([route.id, expect.objectContaining({ [field]: expect.anything() })]);
    }
  }
});

test('limits, required fields and error shapes come from the schemas', () => {
  const create = doc.paths['/b/checkout/v1/pymt-txn'].post;
  const body = create.requestBody.content['application/json'].schema;
  expect(body.required).toEqual(expect.arrayContaining(['type', 'amount', 'currency_code', 'pg_codes']));
  expect(body.properties.order_no.anyOf[0]).toMatchObject({ type: 'string', maxLength: 128 });
  expect(body.properties.customer_email.anyOf[0]).toMatchObject({ maxLength: 128 });
  expect(body.properties.pg_codes).toMatchObject({ type: 'array', minItems: 1 });
  expect(body.properties.amount).toMatchObject({ type: 'string' });
  expect(body.properties.language.anyOf[0].enum).toEqual(['en', 'ar']);
  expect(body.properties.billing_address.anyOf[0].required).toEqual(['line1', 'city', 'state', 'country', 'postal_code']);
  expect(create.requestBody.content['multipart/form-data'].schema.properties.attachment).toMatchObject({ format: 'binary' });
  expect(create.security).toEqual([{ ApiKey: [] }, { Basic: [] }]);
  expect(create.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Session' });
  expect(create.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/FieldErrors' });
  expect(create.responses['401'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/DetailError' });
  expect(doc.components.schemas.Session.properties).toHaveProperty('checkout_url');
  expect(doc.components.schemas.DetailError.required).toEqual(['detail']);
  expect(doc.openapi).toBe('3.1.0');
  expect(JSON.stringify(doc)).not.toContain('"$schema"');
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
