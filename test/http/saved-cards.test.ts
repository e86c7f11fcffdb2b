import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { openPage, postPayment } from '../fixtures/checkout-form';
import { DEMO_ENV, startTestApi, type TestApi } from '../fixtures/local-api';
import { payOnHostedForm } from '../fixtures/mpgs';
import { findGateway } from '../../functions/domain/config';
import { startReceiver, waitFor, type WebhookReceiver } from '../fixtures/webhook-receiver';

/**
 * Ottu's save_card and auto_debit on the create route, and the card kept after a hosted payment
 * through the local MPGS (embedded runtime, real HTTP both ways): the create rules, the page's
 * "Save this card" checkbox, the verification that saves a card for nothing, the first auto-debit
 * payment that saves it under its agreement, and min_expiry_time.
 */
let api: TestApi;
let receiver: WebhookReceiver;
let count = 0;
const customer = () => `cust-${process.pid}-${(count += 1)}`;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Days our clock runs ahead of the machine's: an auto-debit agreement's interval passes without waiting. */
let daysAhead = 0;
const clock = { now: () => new Date(Date.now() + daysAhead * DAY_MS) };

beforeAll(async () => {
  receiver = await startReceiver();
  // Queue waits in real time: no automatic inquiry (11 minutes) runs inside a test and takes a fault meant for its calls.
  api = await startTestApi({ env: { ...DEMO_ENV, CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1' }, delayScale: 1, webhookTimeoutMs: 1_000, localMpgs: { notificationTimeScale: 0.001 }, clock });
});
afterAll(async () => {
  await api.close();
  await receiver.close();
});
afterEach(() => {
  api.mpgs!.control.reset();
  daysAhead = 0;
});

const AGREEMENT = { id: 'sub-monthly', type: 'recurring', amount_variability: 'fixed', cycle_interval_days: 30, expiry_date: '2030-12-31', frequency: 'monthly', total_cycles: 12, max_amount_per_cycle: '20' };

function create(body: Record<string, unknown>) {
  return api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { type: 'payment_request', pg_codes: ['mpgs-kwd'], amount: '14.125', currency_code: 'KWD', ...body } });
}

/** The customer's way through: our page, its MPGS form (with the checkbox's value when given), the gateway's card form, back to us. */
async function payHosted(id: string, expiry = '01/39', fields: Record<string, string> = {}) {
  api.mpgs!.control.notifications('never');
  const visit = await openPage(api, id);
  const posted = await postPayment(api, id, { pg_code: 'mpgs-kwd', ...fields }, visit);
  expect(posted.status).toBe(200);
  const gatewaySession = /Checkout\.configure\(\{"session":\{"id":"([^"]+)"\}\}\)/.exec(posted.text)![1]!;
  const back = await payOnHostedForm(api.mpgs!, gatewaySession, { expiry });
  await api.request('GET', back.pathname + back.search, { auth: 'none' });
  return (await api.ports.sessions.get(id))!;
}

describe('the create rules', () => {
  test('save_card: customer_id required, amount 0, only gateways that keep cards; the answer shows payment_type', async () => {
    expect((await create({ payment_type: 'save_card', amount: '0' })).json).toEqual({ customer_id: ['This field is required when payment_type is save_card.'] });
    expect((await create({ payment_type: 'save_card', customer_id: 'c1' })).json).toEqual({ amount: ['Ensure this value is 0: a save_card payment verifies the card without charging it.'] });
    expect((await create({ payment_type: 'save_card', customer_id: 'c1', amount: '0', pg_codes: ['sandbox-kwd'] })).json).toEqual({ pg_codes: ['Payment gateway "sandbox-kwd" does not support tokenization, which payment_type save_card needs.'] });
    // A one_off payment of 0 is still refused.
    expect((await create({ amount: '0' })).json).toEqual({ amount: ['Ensure this value is greater than 0.'] });
    const created = await create({ payment_type: 'save_card', customer_id: 'c1', amount: '0', card_acceptance_criteria: { min_expiry_time: 60 } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ payment_type: 'save_card', amount: '0.000', customer_id: 'c1', agreement: null, card_acceptance_criteria: { min_expiry_time: 60 } });
  });

  test('auto_debit: the agreement is required and checked field by field, in the currency; an agreement needs auto_debit', async () => {
    expect((await create({ payment_type: 'auto_debit', customer_id: 'c1' })).json).toEqual({ agreement: ['This field is required when payment_type is auto_debit.'] });
    expect((await create({ payment_type: 'auto_debit', customer_id: 'c1', agreement: { id: 'a1' } })).json).toEqual({
      agreement: { amount_variability: ['This field is required.'], cycle_interval_days: ['This field is required.'], expiry_date: ['This field is required.'], frequency: ['This field is required.'], total_cycles: ['This field is required.'] },
    });
    expect((await create({ payment_type: 'auto_debit', customer_id: 'c1', agreement: { ...AGREEMENT, max_amount_per_cycle: '1.0001' } })).json).toEqual({ agreement: { max_amount_per_cycle: ['Ensure that there are no more than 3 decimal places.'] } });
    expect((await create({ payment_type: 'auto_debit', customer_id: 'c1', agreement: { ...AGREEMENT, max_amount_per_cycle: '10' } })).json).toEqual({ amount: ["Ensure this value is not more than the agreement's max_amount_per_cycle."] });
    expect((await create({ payment_type: 'auto_debit', customer_id: 'c1', agreement: { ...AGREEMENT, frequency: 'hourly' } })).json).toEqual({ agreement: { frequency: ['"hourly" is not a valid choice.'] } });
    expect((await create({ agreement: AGREEMENT })).json).toEqual({ agreement: ['An agreement is only for payment_type auto_debit.'] });
    expect((await create({ card_acceptance_criteria: { min_expiry_time: 30 } })).json).toEqual({ card_acceptance_criteria: ['Card acceptance criteria apply to a card being saved: payment_type save_card or auto_debit.'] });
    const created = await create({ payment_type: 'auto_debit', customer_id: 'c1', agreement: AGREEMENT });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ payment_type: 'auto_debit', agreement: { ...AGREEMENT, max_amount_per_cycle: '20' }, card_acceptance_criteria: null });
  });

  test('payment methods: tokenizable and auto_debit list the gateways that keep cards', async () => {
    const codes = async (filter: Record<string, unknown>) => ((await api.request('POST', '/b/pbl/v2/payment-methods/', { body: { plugin: 'payment_request', ...filter } })).json.payment_methods as Array<{ code: string; is_tokenizable: boolean }>);
    const tokenizable = await codes({ tokenizable: true });
    expect(tokenizable.map((method) => method.code)).toContain('mpgs-kwd');
    expect(tokenizable.every((method) => method.is_tokenizable)).toBe(true);
    expect((await codes({ auto_debit: true })).map((method) => method.code)).not.toContain('sandbox-kwd');
  });
});

describe('keeping the card after the gateway says paid', () => {
  test('save_card: the page verifies (nothing charged), the card is kept masked under the customer, never in the public answer', async () => {
    const id = customer();
    const created = await create({ payment_type: 'save_card', customer_id: id, amount: '0' });
    const page = await openPage(api, created.json.session_id);
    expect(page.text).toContain('Save a card with');
    expect(page.text).not.toContain('name="save_card"');
    const session = await payHosted(created.json.session_id);
    const verify = api.mpgs!.requests().filter((entry) => entry.path.endsWith('/session')).at(-1)!;
    expect(verify.body).toMatchObject({ interaction: { operation: 'VERIFY' } });
    expect(session).toMatchObject({ state: 'paid', amount: '0.000' });
    const saved = session.attempts.at(-1)!.saved_card!;
    expect(saved).toEqual({ token: expect.stringMatching(/^9\d{15}$/), brand: 'MASTERCARD', number: '512345xxxxxx0008', expiry_month: '01', expiry_year: '39', name_on_card: 'Test Payer' });
    expect(await api.ports.savedCards.list(id)).toEqual([expect.objectContaining({ token: saved.token, customer_id: id, pg_code: 'mpgs-kwd', number: '512345xxxxxx0008', active_agreements: [] })]);
    const document = await api.request('GET', `/b/checkout/v1/pymt-txn/${created.json.session_id}`, { auth: 'none' });
    expect(document.text).not.toContain(saved.token);
    expect(JSON.stringify(session)).not.toMatch(/5123450000000008|"securityCode"/);
  });

  test('auto_debit: the first payment names the agreement at the gateway, and its card becomes the one the agreement charges', async () => {
    const id = customer();
    const created = await create({ payment_type: 'auto_debit', customer_id: id, agreement: AGREEMENT });
    const session = await payHosted(created.json.session_id);
    const sent = api.mpgs!.requests().filter((entry) => entry.path.endsWith('/session')).at(-1)!;
    expect(sent.body).toMatchObject({ agreement: { id: 'sub-monthly', type: 'RECURRING', expiryDate: '2030-12-31' }, interaction: { operation: 'PURCHASE' } });
    expect(session.state).toBe('paid');
    const token = session.attempts.at(-1)!.saved_card!.token;
    expect(await api.ports.savedCards.agreementCard(id, 'sub-monthly')).toBe(token);
    expect(await api.ports.savedCards.delete(id, token)).toBe('in_use');
  });

  test('one_off with customer_id: the checkbox is offered; ticked keeps the card, unticked keeps nothing; without customer_id no checkbox', async () => {
    const id = customer();
    const ticked = await create({ customer_id: id });
    expect((await openPage(api, ticked.json.session_id)).text).toContain('<input type="checkbox" name="save_card" value="on"> Save this card for future payments');
    const kept = await payHosted(ticked.json.session_id, '01/39', { save_card: 'on' });
    expect(kept.attempts.at(-1)!.saved_card).toBeDefined();
    const unticked = await create({ customer_id: id });
    const notKept = await payHosted(unticked.json.session_id);
    expect(notKept).toMatchObject({ state: 'paid' });
    expect(notKept.attempts.at(-1)!.saved_card).toBeUndefined();
    expect(await api.ports.savedCards.list(id)).toHaveLength(1);
    expect((await openPage(api, (await create({})).json.session_id)).text).not.toContain('name="save_card"');
  });

  test('min_expiry_time: a save_card whose card expires too soon fails, nothing is kept, and the token is deleted at the gateway', async () => {
    const id = customer();
    const now = new Date();
    // Valid to the end of this month: never 45 days ahead.
    const expiry = `${String(now.getUTCMonth() + 1).padStart(2, '0')}/${String(now.getUTCFullYear() % 100).padStart(2, '0')}`;
    const created = await create({ payment_type: 'save_card', customer_id: id, amount: '0', card_acceptance_criteria: { min_expiry_time: 45 } });
    const session = await payHosted(created.json.session_id, expiry);
    expect(session.state).toBe('attempted');
    expect(session.attempts.at(-1)).toMatchObject({ result: 'failed', pg_params: { pg_message: 'The card expires too soon: it must stay valid for at least 45 more days.' } });
    expect(session.attempts.at(-1)!.saved_card).toBeUndefined();
    expect(await api.ports.savedCards.list(id)).toEqual([]);
    expect(api.mpgs!.requests().some((entry) => entry.method === 'DELETE' && entry.path.includes('/token/'))).toBe(true);
  });

  test('an unanswered token save leaves the attempt pending (never failed); the next sync keeps the card', async () => {
    const id = customer();
    const created = await create({ payment_type: 'save_card', customer_id: id, amount: '0' });
    const sessionId = created.json.session_id as string;
    api.mpgs!.control.notifications('never');
    const visit = await openPage(api, sessionId);
    const posted = await postPayment(api, sessionId, { pg_code: 'mpgs-kwd' }, visit);
    const gatewaySession = /Checkout\.configure\(\{"session":\{"id":"([^"]+)"\}\}\)/.exec(posted.text)![1]!;
    const back = await payOnHostedForm(api.mpgs!, gatewaySession, { expiry: '01/39' });
    api.mpgs!.control.failNext(1, 'server-busy', { method: 'POST' });
    await api.request('GET', back.pathname + back.search, { auth: 'none' });
    expect((await api.ports.sessions.get(sessionId))!.attempts.at(-1)!.result).toBe('pending');
    // The next trigger (the customer's return again, here) syncs again and keeps the card.
    await api.request('GET', back.pathname + back.search, { auth: 'none' });
    const session = (await api.ports.sessions.get(sessionId))!;
    expect(session.state).toBe('paid');
    expect(await api.ports.savedCards.list(id)).toHaveLength(1);
    expect(api.mpgs!.requests().filter((entry) => entry.method === 'POST' && entry.path.endsWith('/token') && (entry.body as { session?: { id?: string } }).session?.id === gatewaySession)).toHaveLength(2);
  });
});

describe("the saved card's token object: the merchant's only", () => {
  test('the paid webhook and the inquiry carry Ottu\'s token object (valid against its schema); the public retrieve does not', async () => {
    const id = customer();
    const created = await create({ payment_type: 'auto_debit', customer_id: id, agreement: { ...AGREEMENT, id: `agr-${id}` }, webhook_url: receiver.url });
    const sessionId = created.json.session_id as string;
    const session = await payHosted(sessionId);
    const saved = session.attempts.at(-1)!.saved_card!;
    const hook = await waitFor(() => receiver.requests.find((request) => request.body.session_id === sessionId && request.body.event_type === 'paid'), { what: 'the paid webhook' });
    const expected = {
      agreements: [`agr-${id}`],
      brand: 'MASTERCARD',
      customer_id: id,
      cvv_required: false,
      expiry_month: '01',
      expiry_year: '39',
      is_expired: false,
      is_preferred: false,
      name_on_card: 'Test Payer',
      number: '512345xxxxxx0008',
      pg_code: 'mpgs-kwd',
      pg_name: 'mpgs',
      token: saved.token,
    };
    expect(hook!.body.token).toEqual(expected);
    expect(hook!.body).toMatchObject({ payment_type: 'auto_debit', agreement: { id: `agr-${id}` } });
    const reference = [join(__dirname, '..', '..', '..', 'shared', 'reference', 'ottu-webhook-schema.json'), '/work/shared/reference/ottu-webhook-schema.json'].find((file) => {
      try {
        return readFileSync(file).length > 0;
      } catch {
        return false;
      }
    });
    if (reference) {
      const schema = JSON.parse(readFileSync(reference, 'utf8')).properties.token;
      const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
      expect(validate(hook!.body.token) ? [] : validate.errors).toEqual([]);
    }
    const inquiry = await api.request('POST', '/b/pbl/v2/inquiry/', { body: { session_id: sessionId } });
    expect(inquiry.json.token).toEqual(expected);
    const retrieved = await api.request('GET', `/b/checkout/v1/pymt-txn/${sessionId}`, { auth: 'none' });
    expect(retrieved.text).not.toContain(saved.token);
  });
});

describe('auto-debit: the merchant charges the saved card without the customer', () => {
  /** A customer's first auto_debit payment on the page: the card is saved under the agreement; answers its token. */
  async function agreementSetUp(id: string, agreementId: string) {
    const first = await create({ payment_type: 'auto_debit', customer_id: id, agreement: { ...AGREEMENT, id: agreementId } });
    return (await payHosted(first.json.session_id)).attempts.at(-1)!.saved_card!.token;
  }
  const debit = (body: Record<string, unknown>) => api.request('POST', '/b/pbl/v2/auto-debit/', { body });

  test('charged merchant-initiated under the agreement: the answer is the signed paid status, the paid webhook is sent', async () => {
    const id = customer();
    const token = await agreementSetUp(id, `agr-${id}`);
    // The agreement's cycle_interval_days (30) since the customer's payment.
    daysAhead = 30;
    const next = await create({ payment_type: 'auto_debit', customer_id: id, agreement: { ...AGREEMENT, id: `agr-${id}` }, amount: '9.500', webhook_url: receiver.url });
    const sessionId = next.json.session_id as string;
    const answer = await debit({ session_id: sessionId, token });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ session_id: sessionId, state: 'paid', result: 'success', amount: '9.500', payment_type: 'auto_debit', gateway_account: 'mpgs-kwd', signature: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const put = api.mpgs!.requests().filter((entry) => entry.method === 'PUT').at(-1)!;
    expect(put.body).toMatchObject({ apiOperation: 'PAY', transaction: { source: 'MERCHANT' }, agreement: { id: `agr-${id}`, type: 'RECURRING' }, order: { amount: '9.500', currency: 'KWD' } });
    const hook = await waitFor(() => receiver.requests.find((request) => request.body.session_id === sessionId && request.body.event_type === 'paid'), { what: 'the paid webhook' });
    expect(hook!.body).toMatchObject({ state: 'paid', amount: '9.500' });
    // Charged once: a second charge of the paid session is a 409, nothing sent.
    const puts = api.mpgs!.requests().filter((entry) => entry.method === 'PUT').length;
    expect((await debit({ session_id: sessionId, token })).status).toBe(409);
    expect(api.mpgs!.requests().filter((entry) => entry.method === 'PUT')).toHaveLength(puts);
  });

  test('refusals, each a 400 before anything is sent: not auto_debit, unknown token, a card the agreement does not charge; a malformed body', async () => {
    const id = customer();
    const token = await agreementSetUp(id, `agr-${id}`);
    const other = await create({ payment_type: 'save_card', customer_id: id, amount: '0' });
    const otherToken = (await payHosted(other.json.session_id)).attempts.at(-1)!.saved_card!.token;
    const puts = api.mpgs!.requests().filter((entry) => entry.method === 'PUT').length;
    const oneOff = await create({ customer_id: id });
    expect((await debit({ session_id: oneOff.json.session_id, token })).json).toEqual({ session_id: ['This payment transaction is not an auto_debit one: create it with payment_type auto_debit and its agreement.'] });
    const next = (await create({ payment_type: 'auto_debit', customer_id: id, agreement: { ...AGREEMENT, id: `agr-${id}` } })).json.session_id;
    expect((await debit({ session_id: next, token: '9000000000000000' })).json).toEqual({ token: ["No saved card of this payment transaction's customer has this token."] });
    expect((await debit({ session_id: next, token: otherToken })).json).toEqual({ token: [`Agreement agr-${id} charges another card of the customer.`] });
    const unset = (await create({ payment_type: 'auto_debit', customer_id: id, agreement: { ...AGREEMENT, id: `agr-never-${id}` } })).json.session_id;
    expect((await debit({ session_id: unset, token })).json).toEqual({ token: [`Agreement agr-never-${id} was never set up by a payment of the customer.`] });
    expect((await debit({ session_id: next })).json).toEqual({ token: ['This field is required.'] });
    expect((await debit({ session_id: '0'.repeat(40), token })).status).toBe(404);
    expect(api.mpgs!.requests().filter((entry) => entry.method === 'PUT')).toHaveLength(puts);
    expect((await api.ports.sessions.get(next))!.attempts).toEqual([]);
  });

  test('an unanswered charge stays pending (never failed); the inquiry reads the outcome back', async () => {
    const id = customer();
    const token = await agreementSetUp(id, `agr-${id}`);
    daysAhead = 30;
    const sessionId = (await create({ payment_type: 'auto_debit', customer_id: id, agreement: { ...AGREEMENT, id: `agr-${id}` } })).json.session_id;
    // The PUT is carried out at the gateway, but no answer reaches us, nor the read-back (so nothing is sent again).
    api.mpgs!.control.failNext(2, 'server-busy', { applied: true });
    const answer = await debit({ session_id: sessionId, token });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ state: 'created', result: 'pending' });
    // Its outcome unknown, the charge holds the agreement's slot: a second session's charge is a 409, nothing sent.
    const other = (await create({ payment_type: 'auto_debit', customer_id: id, agreement: { ...AGREEMENT, id: `agr-${id}` } })).json.session_id;
    const puts = api.mpgs!.requests().filter((entry) => entry.method === 'PUT').length;
    const busy = await debit({ session_id: other, token });
    expect(busy.status).toBe(409);
    expect(busy.json).toEqual({ detail: `Another charge under agreement agr-${id} awaits its gateway; ask the inquiry for its outcome before charging again.` });
    expect(api.mpgs!.requests().filter((entry) => entry.method === 'PUT')).toHaveLength(puts);
    expect(await api.ports.savedCards.agreementCycles(id, `agr-${id}`)).toMatchObject({ charges: 0, pending: [(await api.ports.sessions.get(sessionId))!.attempts.at(-1)!.reference_number] });
    const inquiry = await api.request('POST', '/b/pbl/v2/inquiry/', { body: { session_id: sessionId } });
    expect(inquiry.json).toMatchObject({ state: 'paid', result: 'success' });
    // Read back paid: counted once, the slot freed; the next charge waits for the interval from this one.
    expect(await api.ports.savedCards.agreementCycles(id, `agr-${id}`)).toMatchObject({ charges: 1, pending: [] });
    expect((await debit({ session_id: other, token })).status).toBe(400);
  });

  test("the agreement's bounds, each a 400 before anything is sent: cycle_interval_days since the last payment, then total_cycles", async () => {
    const id = customer();
    const agreement = { ...AGREEMENT, id: `agr-${id}`, total_cycles: 2 };
    const token = await agreementSetUp(id, agreement.id);
    const setUpDay = clock.now().toISOString().slice(0, 10);
    const nextDay = (from: string, days: number) => new Date(Date.parse(`${from}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
    const charge = async () => debit({ session_id: (await create({ payment_type: 'auto_debit', customer_id: id, agreement, amount: '5' })).json.session_id, token });
    const puts = () => api.mpgs!.requests().filter((entry) => entry.method === 'PUT').length;
    const before = puts();
    // The day after the customer's own payment: the interval runs from it.
    daysAhead = 29;
    const early = await charge();
    expect(early.status).toBe(400);
    expect(early.json).toEqual({ session_id: [`Agreement ${agreement.id} allows one payment every 30 days: the next may be charged from ${nextDay(setUpDay, 30)}.`] });
    expect(puts()).toBe(before);
    daysAhead = 30;
    expect((await charge()).json).toMatchObject({ state: 'paid' });
    daysAhead = 59;
    expect((await charge()).json).toEqual({ session_id: [`Agreement ${agreement.id} allows one payment every 30 days: the next may be charged from ${nextDay(setUpDay, 60)}.`] });
    daysAhead = 60;
    expect((await charge()).json).toMatchObject({ state: 'paid' });
    daysAhead = 365;
    expect((await charge()).json).toEqual({ session_id: [`Agreement ${agreement.id} allows 2 merchant-initiated payments, and 2 were charged.`] });
    expect(puts()).toBe(before + 2);
    expect(await api.ports.savedCards.agreementCycles(id, agreement.id)).toMatchObject({ charges: 2, pending: [] });
  });

  test('a charge the gateway refuses frees the slot and counts nothing; concurrent charges of two sessions: one goes to the gateway', async () => {
    const id = customer();
    const agreement = { ...AGREEMENT, id: `agr-${id}` };
    const token = await agreementSetUp(id, agreement.id);
    daysAhead = 30;
    const sessions = [];
    for (let i = 0; i < 3; i++) sessions.push((await create({ payment_type: 'auto_debit', customer_id: id, agreement })).json.session_id as string);
    const puts = () => api.mpgs!.requests().filter((entry) => entry.method === 'PUT').length;
    const before = puts();
    const answers = await Promise.all(sessions.map((sessionId) => debit({ session_id: sessionId, token })));
    // One charged; the others refused by the slot or, once it is counted, by the interval: nothing else sent.
    expect(answers.filter((answer) => answer.status === 200 && answer.json.state === 'paid')).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 409 || answer.status === 400)).toHaveLength(2);
    expect(puts()).toBe(before + 1);
    expect(await api.ports.savedCards.agreementCycles(id, agreement.id)).toMatchObject({ charges: 1, pending: [] });
    // The token deleted at the gateway: the next charge is refused there (the attempt failed), counted nothing, freed the slot.
    const setting = findGateway(await api.ports.config.load(), 'mpgs-kwd')!;
    await (await api.ports.gateways.connect(setting))!.tokens!.delete(token);
    daysAhead = 60;
    const refusedSession = (await create({ payment_type: 'auto_debit', customer_id: id, agreement })).json.session_id;
    expect((await debit({ session_id: refusedSession, token })).json).toMatchObject({ result: 'failed' });
    const cycles = await api.ports.savedCards.agreementCycles(id, agreement.id);
    expect(cycles).toMatchObject({ charges: 1, pending: [] });
  });
});

describe("deleting a customer's card", () => {
  const remove = (token: string, query: Record<string, string>) => api.request('DELETE', `/b/pbl/v2/card/${token}/?${new URLSearchParams(query).toString()}`);

  test('deleted at the gateway, then here (204); a card an agreement charges is refused until another replaces it; unknown or another type: 404', async () => {
    const id = customer();
    const saveOne = async () => (await payHosted((await create({ payment_type: 'save_card', customer_id: id, amount: '0' })).json.session_id)).attempts.at(-1)!.saved_card!.token;
    const plain = await saveOne();
    // mpgs-kwd is a sandbox (test) gateway setting: its cards are type sandbox.
    expect((await remove(plain, { customer_id: id, type: 'production' })).status).toBe(404);
    expect((await remove(plain, { customer_id: 'someone-else', type: 'sandbox' })).status).toBe(404);
    expect((await remove(plain, { customer_id: id })).json).toEqual({ type: ['This field is required.'] });
    const gatewayDeletes = () => api.mpgs!.requests().filter((entry) => entry.method === 'DELETE' && entry.path.includes('/token/')).length;
    const before = gatewayDeletes();
    const deleted = await remove(plain, { customer_id: id, type: 'sandbox' });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect(await api.ports.savedCards.get(id, plain)).toBeUndefined();
    // The local MPGS logs the token masked in the path: counted, not matched.
    expect(gatewayDeletes()).toBe(before + 1);
    expect((await remove(plain, { customer_id: id, type: 'sandbox' })).status).toBe(404);

    const first = await create({ payment_type: 'auto_debit', customer_id: id, agreement: { ...AGREEMENT, id: `agr-${id}` } });
    const locked = (await payHosted(first.json.session_id)).attempts.at(-1)!.saved_card!.token;
    expect((await remove(locked, { customer_id: id, type: 'sandbox' })).json).toEqual({ token: ['This card is charged by an active auto-debit agreement; it can be deleted once another card replaces it.'] });
    // Another card takes over the agreement (the customer's next first payment under it): the first may go.
    const second = await create({ payment_type: 'auto_debit', customer_id: id, agreement: { ...AGREEMENT, id: `agr-${id}` } });
    await payHosted(second.json.session_id);
    expect((await remove(locked, { customer_id: id, type: 'sandbox' })).status).toBe(204);
  });

  test('a gateway that does not answer keeps the card (503); the retry deletes it', async () => {
    const id = customer();
    const token = (await payHosted((await create({ payment_type: 'save_card', customer_id: id, amount: '0' })).json.session_id)).attempts.at(-1)!.saved_card!.token;
    api.mpgs!.control.failNext(1, 'server-busy', { method: 'DELETE' });
    const refused = await remove(token, { customer_id: id, type: 'sandbox' });
    expect(refused.status).toBe(503);
    expect(await api.ports.savedCards.get(id, token)).toBeDefined();
    expect((await remove(token, { customer_id: id, type: 'sandbox' })).status).toBe(204);
  });
});

describe("listing a customer's cards", () => {
  const list = (body: Record<string, unknown>) => api.request('POST', '/b/pbl/v2/card/', { body });

  test("Ottu's Card objects, oldest first; by pg_codes, by agreement, by type; another customer's are never listed", async () => {
    const id = customer();
    const verified = (await payHosted((await create({ payment_type: 'save_card', customer_id: id, amount: '0' })).json.session_id)).attempts.at(-1)!.saved_card!;
    const underAgreement = (await payHosted((await create({ payment_type: 'auto_debit', customer_id: id, agreement: { ...AGREEMENT, id: `agr-${id}` } })).json.session_id)).attempts.at(-1)!.saved_card!;
    const all = await list({ customer_id: id, type: 'sandbox' });
    expect(all.status).toBe(200);
    expect(all.json).toEqual([
      expect.objectContaining({ token: verified.token, customer_id: id, number: '512345xxxxxx0008', pg_code: 'mpgs-kwd', pg_name: 'mpgs', agreements: [], cvv_required: false, is_expired: false }),
      expect.objectContaining({ token: underAgreement.token, agreements: [`agr-${id}`] }),
    ]);
    expect((await list({ customer_id: id, type: 'sandbox', agreement_id: `agr-${id}` })).json.map((card: { token: string }) => card.token)).toEqual([underAgreement.token]);
    expect((await list({ customer_id: id, type: 'sandbox', pg_codes: ['sandbox-kwd'] })).json).toEqual([]);
    expect((await list({ customer_id: id, type: 'production' })).json).toEqual([]);
    expect((await list({ customer_id: `${id}-other`, type: 'sandbox' })).json).toEqual([]);
    expect((await list({ customer_id: id })).json).toEqual({ type: ['This field is required.'] });
    expect((await api.request('POST', '/b/pbl/v2/card/', { body: { customer_id: id, type: 'sandbox' }, auth: 'none' })).status).toBe(401);
  });

  test("payment methods with customer_id: customer_payment_methods lists the customer's saved cards of the listed gateways that keep cards; empty otherwise", async () => {
    const id = customer();
    const methods = async (body: Record<string, unknown>) => (await api.request('POST', '/b/pbl/v2/payment-methods/', { body: { plugin: 'payment_request', ...body } })).json.customer_payment_methods as Array<Record<string, unknown>>;
    expect(await methods({ customer_id: id })).toEqual([]);
    const saved = (await payHosted((await create({ payment_type: 'save_card', customer_id: id, amount: '0' })).json.session_id)).attempts.at(-1)!.saved_card!;
    const listed = (await list({ customer_id: id, type: 'sandbox' })).json;
    expect(await methods({ customer_id: id })).toEqual(listed);
    expect(listed).toEqual([expect.objectContaining({ token: saved.token, customer_id: id, pg_code: 'mpgs-kwd', number: '512345xxxxxx0008' })]);
    expect(await methods({})).toEqual([]);
    expect(await methods({ customer_id: `${id}-other` })).toEqual([]);
    // The card's gateway filtered out of payment_methods: its cards go with it.
    expect(await methods({ customer_id: id, type: 'production' })).toEqual([]);
    expect(await methods({ customer_id: id, currencies: ['USD'] })).toEqual([]);
    // A Basic user without mpgs-kwd's permission sees neither the gateway nor its cards.
    const basic = await api.request('POST', '/b/pbl/v2/payment-methods/', { body: { plugin: 'payment_request', customer_id: id }, auth: 'basic' });
    expect(basic.status).toBe(200);
    // The demo clerk may use sandbox-kwd only.
    expect((basic.json.payment_methods as Array<{ code: string }>).map((method) => method.code)).toEqual(['sandbox-kwd']);
    expect(basic.json.customer_payment_methods).toEqual([]);
  });
});
