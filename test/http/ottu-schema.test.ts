import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { GOOD_CARD, openPage, postPayment } from '../fixtures/checkout-form';
import { DEMO_ENV, seedBody, startTestApi, type TestApi } from '../fixtures/local-api';
import { startReceiver, waitFor, type WebhookReceiver } from '../fixtures/webhook-receiver';
import { SANDBOX_CARDS } from '../../functions/adapters/sandbox/sandbox-cards';

/**
 * Our webhook, inquiry and operation payloads, as sent and answered, against Ottu's own schemas:
 * the payment webhook's (reference/ottu-webhook-schema.json) and the operation answer's
 * (ExternalOperation in reference/ottu-openapi.yaml), with ajv. Where we differ on purpose, the
 * schema is widened here, one documented place each (docs/ottu-compatibility.md):
 *  - money: Ottu types settled/remaining/refunded/voided_amount as numbers, its own examples send
 *    decimal strings; money is never a float here, so strings (numbers still validate);
 *  - agreement and card_acceptance_criteria: null when unused (both are refused on input);
 *  - initiator: who did it by name ({username, kind}); we keep no numeric user ids or e-mails;
 *  - customer_address_country: empty when the session has no billing address (Ottu's always has
 *    a payer country; we invent none).
 */
// js-yaml 3 ships no types; its `load` is all this needs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { load: parseYaml } = require('js-yaml') as { load(text: string): any };

const REFERENCE = join(__dirname, '..', '..', '..', 'shared', 'reference');
const referenceDir = [REFERENCE, '/work/shared/reference'].find((dir) => {
  try {
    readFileSync(join(dir, 'ottu-webhook-schema.json'));
    return true;
  } catch {
    return false;
  }
});

const MONEY = { anyOf: [{ type: 'number' }, { type: 'string', pattern: '^\\d+(\\.\\d+)?$' }] };
const OUR_INITIATOR = { anyOf: [{ type: 'null' }, { type: 'object', required: ['username', 'kind'], properties: { username: { type: 'string' }, kind: { enum: ['api_key', 'user'] } } }] };

function widened(schema: Record<string, any>): Record<string, any> {
  const copy = structuredClone(schema);
  for (const field of ['settled_amount', 'remaining_amount', 'refunded_amount', 'voided_amount', 'paid_amount']) if (copy.properties[field]) copy.properties[field] = MONEY;
  for (const field of ['agreement', 'card_acceptance_criteria']) if (copy.properties[field]) copy.properties[field] = { anyOf: [{ type: 'null' }, copy.properties[field]] };
  copy.properties.initiator = OUR_INITIATOR;
  if (copy.properties.customer_address_country) copy.properties.customer_address_country = { anyOf: [{ const: '' }, copy.properties.customer_address_country] };
  return copy;
}

const maybe = referenceDir ? describe : describe.skip;
if (!referenceDir) console.log('Ottu schema check skipped: no shared/reference beside the project');

let api: TestApi;
let receiver: WebhookReceiver;
let payment: ValidateFunction;
let operation: ValidateFunction;

maybe("payloads against Ottu's published schemas", () => {
  beforeAll(async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    // Ottu's timestamp_utc is "2026-11-25 10:31:07" in its own examples, not RFC 3339.
    ajv.addFormat('decimal', /^-?\d+(\.\d+)?$/);
    ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}/);
    const webhookSchema = JSON.parse(readFileSync(join(referenceDir!, 'ottu-webhook-schema.json'), 'utf8'));
    payment = ajv.compile(widened(webhookSchema));
    const openapi = parseYaml(readFileSync(join(referenceDir!, 'ottu-openapi.yaml'), 'utf8'));
    ajv.addSchema({ $id: 'ottu', components: openapi.components });
    const external = widened(openapi.components.schemas.ExternalOperation);
    operation = ajv.compile({ ...external, properties: { ...external.properties, txn: { $ref: 'ottu#/components/schemas/ChildPayment' }, pg_params: { $ref: 'ottu#/components/schemas/PGParams' } } });
    receiver = await startReceiver();
    api = await startTestApi({ env: { ...DEMO_ENV, CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1' }, delayScale: 0.00001, webhookTimeoutMs: 1000 });
  });
  afterAll(async () => {
    await api?.close();
    await receiver?.close();
  });

  const valid = (validate: ValidateFunction, body: unknown) => {
    const ok = validate(body);
    return ok ? [] : validate.errors!.map((error) => `${error.instancePath} ${error.message}`);
  };

  async function settled(pgCode: string, card = GOOD_CARD.card_number) {
    const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), pg_codes: [pgCode], webhook_url: receiver.url, customer_id: 'cust-7', customer_birthdate: '1990-04-21' } });
    const id = created.json.session_id as string;
    const visit = await openPage(api, id);
    await postPayment(api, id, { ...GOOD_CARD, card_number: card, pg_code: pgCode }, visit);
    return id;
  }

  test('payment webhooks (paid, a declined attempt) and the inquiry answer validate against ottu-webhook-schema.json', async () => {
    const paid = await settled('sandbox-kwd');
    const hook = await waitFor(() => receiver.requests.find((request) => request.body.session_id === paid && request.body.event_type === 'paid'), { what: 'the paid webhook' });
    expect(valid(payment, hook!.body)).toEqual([]);
    expect(hook!.body).toMatchObject({ refunded_amount: '0.000', voided_amount: '0.000', captured_amount: '0.000', transactions: [], agreement: null, card_acceptance_criteria: null, initiator: { username: expect.any(String), kind: 'api_key' } });

    const declined = await settled('sandbox-kwd', SANDBOX_CARDS.declined);
    const attempted = await waitFor(() => receiver.requests.find((request) => request.body.session_id === declined && request.body.event_type === 'attempted'), { what: 'the declined attempt webhook' });
    expect(valid(payment, attempted!.body)).toEqual([]);

    const refund = await api.request('POST', '/b/pbl/v2/operation/', { body: { session_id: paid, operation: 'refund', amount: '2' } });
    expect(refund.status).toBe(200);
    const inquiry = await api.request('POST', '/b/pbl/v2/inquiry/', { body: { session_id: paid } });
    expect(valid(payment, inquiry.json)).toEqual([]);
    expect(inquiry.json).toMatchObject({ refunded_amount: '2.000', transactions: [{ operation: 'refund', state: 'refunded', amount: '2.000', session_id: refund.json.txn.session_id }] });
  });

  test('refund, capture and void answers and webhooks validate against ExternalOperation; a child is found by its own session_id', async () => {
    const paid = await settled('sandbox-kwd');
    const refund = await api.request('POST', '/b/pbl/v2/operation/', { body: { session_id: paid, operation: 'refund', amount: '1' } });
    expect(valid(operation, refund.json)).toEqual([]);
    expect(refund.json).toMatchObject({ pg_response: { result: 'SUCCESS' }, pg_params: { result: 'SUCCESS' }, initiator: { kind: 'api_key' } });
    const hook = await waitFor(() => receiver.requests.find((request) => request.body.session_id === paid && request.body.event_type === 'refunded'), { what: 'the refund webhook' });
    const { event_id: _id, event_type: _type, ...sent } = hook!.body;
    expect(valid(operation, sent)).toEqual([]);

    // The child transaction's own session_id: the status query answers the child.
    const child = await api.request('POST', '/b/pbl/v2/inquiry/', { body: { session_id: refund.json.txn.session_id } });
    expect(child.status).toBe(200);
    expect(valid(payment, child.json)).toEqual([]);
    expect(child.json).toMatchObject({ session_id: refund.json.txn.session_id, parent_session_id: paid, state: 'refunded', amount: '1.000', operation: 'refund', reference_number: refund.json.reference_number });

    const authorized = await settled('sandbox-authorize');
    const capture = await api.request('POST', '/b/pbl/v2/operation/', { body: { session_id: authorized, operation: 'capture', amount: '4' } });
    expect(valid(operation, capture.json)).toEqual([]);
    const authorizedAgain = await settled('sandbox-authorize');
    const voided = await api.request('POST', '/b/pbl/v2/operation/', { body: { session_id: authorizedAgain, operation: 'void' } });
    expect(valid(operation, voided.json)).toEqual([]);
  });

  test('the widening is narrow: a payload missing a required field, or with a float amount, fails', async () => {
    const paid = await settled('sandbox-kwd');
    const inquiry = (await api.request('POST', '/b/pbl/v2/inquiry/', { body: { session_id: paid } })).json;
    const { pg_params: _missing, ...withoutPgParams } = inquiry;
    expect(valid(payment, withoutPgParams)).not.toEqual([]);
    expect(valid(payment, { ...inquiry, amount: 14 })).not.toEqual([]);
    expect(valid(payment, { ...inquiry, agreement: 'none' })).not.toEqual([]);
  });
});
