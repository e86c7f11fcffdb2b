import { sandboxConnector } from '../../functions/adapters/sandbox/sandbox-connector';
import type { LocalMpgs } from '../../functions/local/mpgs/local-mpgs';
import type { CardTokens, ChargeSaved, GatewayAgreement, PaymentGateway, StartPayment } from '../../functions/ports/payment-gateway';
import { mpgsGateway, mpgsSetting, payOnHostedForm, startTestMpgs } from '../fixtures/mpgs';

/**
 * The MPGS connector's tokenization against the local MPGS over real HTTP: a verification
 * (save_card) and a payment under an agreement (auto_debit's first payment) on the hosted page,
 * the card saved from them, merchant-initiated charges with the token and their refusals, the
 * unknown-is-not-failed rule on a charge, and token deletion.
 */
let mpgs: LocalMpgs;
let gateway: PaymentGateway;
let tokens: CardTokens;
let counter = 0;

beforeAll(async () => {
  mpgs = await startTestMpgs();
  gateway = await mpgsGateway(mpgs);
  tokens = gateway.tokens!;
});
afterAll(() => mpgs.stop());
afterEach(() => mpgs.control.reset());

const reference = () => `T${Date.now().toString(36).toUpperCase()}${(counter += 1)}`.slice(0, 14);

function startRequest(overrides: Partial<StartPayment> = {}): StartPayment {
  return {
    reference: reference(),
    operation: 'purchase',
    amount: '5.250',
    currency: 'KWD',
    returnUrl: 'http://127.0.0.1:9/checkout/s/return?attempt=x',
    notificationUrl: 'http://127.0.0.1:9/checkout/notify/mpgs-kwd/s',
    merchantName: 'Gulf Books',
    ...overrides,
  };
}

/** A hosted payment (or verification) the payer completes with the card; answers the attempt as our session keeps it. */
async function hostedAttempt(overrides: Partial<StartPayment> = {}, expiry = '01/39') {
  const input = startRequest(overrides);
  const started = await gateway.start(input);
  if (started.kind !== 'hosted') throw new Error(`not hosted: ${JSON.stringify(started)}`);
  await payOnHostedForm(mpgs, started.gateway.session_id!, { expiry });
  return { input, attempt: { reference: input.reference, gateway: started.gateway } };
}

const AGREEMENT: GatewayAgreement = { id: 'AGR-1', type: 'recurring', expiry_date: '2030-12-31' };

function charge(token: string, overrides: Partial<ChargeSaved> = {}): ChargeSaved {
  return { reference: reference(), operation: 'purchase', amount: '3.000', currency: 'KWD', token, initiator: 'merchant', agreement: AGREEMENT, notificationUrl: 'http://127.0.0.1:9/notify', ...overrides };
}

async function savedFrom(overrides: Partial<StartPayment> = {}, expiry = '01/39') {
  const { attempt } = await hostedAttempt(overrides, expiry);
  const saved = await tokens.save(attempt);
  if (saved.kind !== 'saved') throw new Error(`not saved: ${JSON.stringify(saved)}`);
  return saved;
}

test('the capability and the token calls go together: MPGS declares tokenization and has them, the sandbox neither', async () => {
  expect(gateway.capabilities.tokenization).toBe(true);
  expect(gateway.tokens).toBeDefined();
  const sandbox = sandboxConnector({ ...mpgsSetting(mpgs), pg: 'sandbox', is_sandbox: true })!;
  expect(sandbox.capabilities.tokenization).toBe(false);
  expect(sandbox.tokens).toBeUndefined();
});

test('save_card: a VERIFY checkout without an amount; the verified order syncs as paid with amount 0, and its card is saved masked', async () => {
  const { input, attempt } = await hostedAttempt({ verify: true, amount: '0.000' });
  const sent = mpgs.requests().filter((entry) => entry.method === 'POST' && entry.path.endsWith('/session')).at(-1)!;
  expect(sent.body).toMatchObject({ interaction: { operation: 'VERIFY' }, order: { id: input.reference, currency: 'KWD' } });
  expect((sent.body as { order: Record<string, unknown> }).order.amount).toBeUndefined();
  const payment = await gateway.sync(attempt);
  expect(payment).toMatchObject({ status: 'paid', order: { id: input.reference, amount: '0.000', currency: 'KWD' }, card: { brand: 'mastercard', last4: '0008' } });
  const saved = await tokens.save(attempt);
  expect(saved).toEqual({ kind: 'saved', token: expect.stringMatching(/^9\d{15}$/), card: { brand: 'MASTERCARD', number: '512345xxxxxx0008', expiry_month: '01', expiry_year: '39', name_on_card: 'Test Payer' } });
  const tokenCall = mpgs.requests().filter((entry) => entry.method === 'POST' && entry.path.endsWith('/token')).at(-1)!;
  expect(tokenCall.body).toEqual({ session: { id: attempt.gateway.session_id }, sourceOfFunds: { type: 'CARD' } });
});

test('a declined payment saves nothing: refused, not unknown', async () => {
  const { attempt } = await hostedAttempt({}, '05/39');
  expect(await tokens.save(attempt)).toMatchObject({ kind: 'refused', explanation: expect.stringContaining('refused to save the card') });
});

test('auto_debit: the first payment names the agreement (the payer consents); the token then pays merchant-initiated without the customer', async () => {
  const saved = await savedFrom({ agreement: AGREEMENT });
  const sent = mpgs.requests().filter((entry) => entry.path.endsWith('/session')).at(-1)!;
  expect(sent.body).toMatchObject({ agreement: { id: 'AGR-1', type: 'RECURRING', expiryDate: '2030-12-31' } });
  const request = charge(saved.token);
  const result = await tokens.charge(request);
  expect(result).toMatchObject({ kind: 'answered', payment: { status: 'paid', order: { id: request.reference, amount: '3.000', currency: 'KWD' }, card: { last4: '0008' } } });
  const put = mpgs.requests().filter((entry) => entry.method === 'PUT').at(-1)!;
  expect(put.path).toContain(`/order/${request.reference}/transaction/${request.reference}`);
  expect(put.body).toMatchObject({ apiOperation: 'PAY', transaction: { source: 'MERCHANT' }, agreement: { id: 'AGR-1', type: 'RECURRING' }, sourceOfFunds: { type: 'CARD', provided: { card: { storedOnFile: 'STORED' } } } });
  // The token is a secret: never in what we keep of the answer.
  expect(JSON.stringify(result)).not.toContain(saved.token);
  // The charge is an order like any other: sync reads the same outcome back.
  expect(await gateway.sync({ reference: request.reference })).toMatchObject({ status: 'paid' });
});

test('refusals: an agreement never established, another agreement type, an unknown token; nothing is charged', async () => {
  const saved = await savedFrom({ agreement: { id: 'AGR-2', type: 'unscheduled' } });
  expect(await tokens.charge(charge(saved.token, { agreement: { id: 'AGR-NEVER', type: 'recurring' } }))).toMatchObject({ kind: 'refused' });
  expect(await tokens.charge(charge(saved.token, { agreement: { id: 'AGR-2', type: 'installment' } }))).toMatchObject({ kind: 'refused' });
  expect(await tokens.charge(charge('9000000000000000', { agreement: { id: 'AGR-2', type: 'unscheduled' } }))).toMatchObject({ kind: 'refused', explanation: expect.stringContaining('token') });
  expect(await tokens.charge(charge(saved.token, { agreement: { id: 'AGR-2', type: 'unscheduled' } }))).toMatchObject({ kind: 'answered', payment: { status: 'paid' } });
});

test('a lost answer is read back before the PUT is sent again: one charge; no answer at all leaves it unknown, never failed', async () => {
  const saved = await savedFrom({ agreement: { id: 'AGR-4', type: 'unscheduled' } });
  mpgs.control.failNext(1, 'server-failed', { applied: true, method: 'PUT' });
  const request = charge(saved.token, { agreement: { id: 'AGR-4', type: 'unscheduled' } });
  expect(await tokens.charge(request)).toMatchObject({ kind: 'answered', payment: { status: 'paid' } });
  expect(mpgs.requests().filter((entry) => entry.method === 'PUT' && entry.path.includes(request.reference))).toHaveLength(1);

  mpgs.control.failNext(3, 'server-busy');
  expect(await tokens.charge(charge(saved.token, { agreement: { id: 'AGR-4', type: 'unscheduled' } }))).toMatchObject({ kind: 'unknown' });
});

test('delete: the token is gone at the gateway and pays no more; deleting it again is not_found', async () => {
  const saved = await savedFrom({ agreement: { id: 'AGR-5', type: 'unscheduled' } });
  expect(await tokens.delete(saved.token)).toBe('deleted');
  expect(await tokens.delete(saved.token)).toBe('not_found');
  expect(await tokens.charge(charge(saved.token, { agreement: { id: 'AGR-5', type: 'unscheduled' } }))).toMatchObject({ kind: 'refused' });
  mpgs.control.failNext(1, 'server-busy', { method: 'DELETE' });
  expect(await tokens.delete('9000000000000001')).toMatchObject({ kind: 'unknown' });
});
