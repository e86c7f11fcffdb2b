import { EMPTY_CONFIG } from '../../functions/app/edit-merchant-config';
import type { GatewaySetting } from '../../functions/domain/config';
import { authPorts } from '../fixtures/auth-ports';
import { LOCKOUT } from '../../functions/domain/auth-lockout';
import type { PaymentGateway, PaymentGateways } from '../../functions/ports/payment-gateway';
import { connectorTable, NO_SECRETS } from '../../functions/adapters/connectors';
import { runWithRequestId } from '../../functions/adapters/request-context';
import { sessionEvent } from '../../functions/domain/events';
import { sampleSession } from '../fixtures/sessions';

/**
 * The app's signals as EMF lines (what CloudWatch turns into PaymentAttempts, GatewayCalls,
 * GatewayLatencyMs and AuthRefused): the lines Powertools Metrics writes to stdout, read back as JSON.
 */
// test/setup-env.ts disables metrics for every suite; this one reads them (restored after it).
const saved = { namespace: process.env.POWERTOOLS_METRICS_NAMESPACE, disabled: process.env.POWERTOOLS_METRICS_DISABLED };
process.env.POWERTOOLS_METRICS_NAMESPACE = 'Checkout/test';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
afterAll(() => {
  for (const [key, value] of [['POWERTOOLS_METRICS_NAMESPACE', saved.namespace], ['POWERTOOLS_METRICS_DISABLED', saved.disabled]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});
// Loaded after the namespace is set: the metrics object reads it when built.
const { countSessionEvent, meteredGateways } = require('../../functions/handlers/metrics') as typeof import('../../functions/handlers/metrics');
const { authenticateRequest } = require('../../functions/handlers/http/require-auth') as typeof import('../../functions/handlers/http/require-auth');

type Emf = Record<string, any> & { _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> } };

async function emfLines(work: () => Promise<unknown>): Promise<Emf[]> {
  const written: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
  try {
    await work();
  } finally {
    write.mockRestore();
  }
  return written.flatMap((text) => text.split('\n')).filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as Emf);
}

const metricOf = (line: Emf) => line._aws.CloudWatchMetrics[0]!.Metrics[0]!.Name;
const SANDBOX: GatewaySetting = { code: 'sandbox-kwd', name: 'Sandbox', pg: 'Ottu PG', is_sandbox: true, operation: 'purchase', icon: '', fee_percent: '0', currencies: ['KWD'], attempt_limit: 3 } as GatewaySetting;
const START = { reference: 'REF000000001', operation: 'purchase' as const, amount: '14.000', currency: 'KWD', returnUrl: 'https://x/r', notificationUrl: 'https://x/n', merchantName: 'M' };

test('every gateway call is timed and counted by pg and outcome, with the request id; a decline is an answer', async () => {
  const gateways = meteredGateways(connectorTable({ secrets: NO_SECRETS }));
  const gateway = (await gateways.connect(SANDBOX))!;
  const lines = await emfLines(() =>
    runWithRequestId('req-123', async () => {
      await gateway.start({ ...START, card: { number: '4000000000000002', brand: 'visa', last4: '0002', expiry_month: '12', expiry_year: '2030', cvv: '123', name: 'A' } as never });
    }),
  );
  expect(lines.map(metricOf)).toEqual(['GatewayLatencyMs', 'GatewayCalls']);
  const [latency, calls] = lines;
  expect(latency).toMatchObject({ pg: 'sandbox', call: 'start', request_id: 'req-123', service: 'checkout-api' });
  expect(latency!._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Checkout/test', Metrics: [{ Name: 'GatewayLatencyMs', Unit: 'Milliseconds' }] });
  expect(latency!.GatewayLatencyMs).toBeGreaterThanOrEqual(0);
  expect(calls).toMatchObject({ pg: 'sandbox', outcome: 'answered', call: 'start', GatewayCalls: 1 });
  expect(calls!._aws.CloudWatchMetrics[0]!.Dimensions[0]).toEqual(expect.arrayContaining(['pg', 'outcome']));
});

test('an unknown answer (timeout, 5xx) and a throw count as failures; the throw still reaches the caller', async () => {
  const unreachable: PaymentGateway = {
    capabilities: {} as PaymentGateway['capabilities'],
    start: async () => ({ kind: 'unavailable', reason: 'timeout' }),
    sync: async () => ({ status: 'pending', pg_params: {}, gateway_response: { result: 'UNKNOWN', reason: 'timeout' } }),
    onReturn: () => ({ matches: false }),
    onNotification: () => ({ authentic: false }),
    capture: async () => ({ kind: 'unknown', explanation: '503' }),
    void: async () => ({ kind: 'refused', explanation: 'no', pg_response: {} }),
    refund: async () => {
      throw new Error('secret missing');
    },
    lookup: async () => ({ kind: 'absent' }),
  };
  const table: PaymentGateways = { connect: async () => unreachable };
  const gateway = (await meteredGateways(table).connect({ ...SANDBOX, pg: 'mpgs', is_sandbox: false }))!;
  const call = { operation: 'refund' as const, id: 'c', attempt: { reference: 'r', card_last4: '1111' }, amount: '1.000', currency: 'KWD' };
  const lines = await emfLines(async () => {
    await gateway.start(START);
    await gateway.sync({ reference: 'r' });
    await gateway.capture({ ...call, operation: 'capture' });
    await gateway.void({ ...call, operation: 'void' });
    await expect(gateway.refund(call)).rejects.toThrow('secret missing');
    await gateway.lookup(call);
  });
  const outcomes = lines.filter((line) => metricOf(line) === 'GatewayCalls').map((line) => `${line.call}:${line.outcome}`);
  expect(outcomes).toEqual(['start:unknown', 'sync:unknown', 'capture:unknown', 'void:answered', 'refund:error', 'lookup:answered']);
  expect(lines.every((line) => line.pg === 'mpgs')).toBe(true);
  // What is not a network call is not measured.
  expect(gateway.onReturn({ reference: 'r' }, {})).toEqual({ matches: false });
});

test("a gateway that keeps cards keeps them metered (tokens forwarded, each call timed and counted); one that keeps none has no tokens", async () => {
  const calls: string[] = [];
  const keeping: PaymentGateway = {
    capabilities: {} as PaymentGateway['capabilities'],
    start: async () => ({ kind: 'unavailable', reason: 'timeout' }),
    sync: async () => ({ status: 'pending', pg_params: {}, gateway_response: {} }),
    onReturn: () => ({ matches: false }),
    onNotification: () => ({ authentic: false }),
    capture: async () => ({ kind: 'unknown', explanation: '503' }),
    void: async () => ({ kind: 'unknown', explanation: '503' }),
    refund: async () => ({ kind: 'unknown', explanation: '503' }),
    lookup: async () => ({ kind: 'absent' }),
    tokens: {
      save: async () => (calls.push('save'), { kind: 'saved', token: '9000000000000001', card: { brand: 'MASTERCARD', number: '512345xxxxxx0008', expiry_month: '01', expiry_year: '39' } }),
      charge: async () => (calls.push('charge'), { kind: 'unknown', explanation: 'timeout' }),
      delete: async () => (calls.push('delete'), 'deleted'),
    },
  };
  const gateway = (await meteredGateways({ connect: async () => keeping }).connect({ ...SANDBOX, pg: 'mpgs', is_sandbox: false }))!;
  const lines = await emfLines(async () => {
    expect(await gateway.tokens!.save({ reference: 'r' })).toMatchObject({ kind: 'saved', token: '9000000000000001' });
    expect(await gateway.tokens!.charge({ reference: 'r', operation: 'purchase', amount: '1.000', currency: 'KWD', token: '9000000000000001', initiator: 'merchant' } as never)).toMatchObject({ kind: 'unknown' });
    expect(await gateway.tokens!.delete('9000000000000001')).toBe('deleted');
  });
  expect(calls).toEqual(['save', 'charge', 'delete']);
  expect(lines.filter((line) => metricOf(line) === 'GatewayCalls').map((line) => `${line.call}:${line.outcome}`)).toEqual(['token_save:answered', 'token_charge:unknown', 'token_delete:answered']);
  // No token in a metric line.
  expect(JSON.stringify(lines)).not.toContain('9000000000000001');
  const sandbox = (await meteredGateways(connectorTable({ secrets: NO_SECRETS })).connect(SANDBOX))!;
  expect(sandbox.tokens).toBeUndefined();
});

test('the router counts a decided payment attempt by result from its event; a pending one and other events are not counted', async () => {
  const paid = sampleSession({ state: 'paid', result: 'success', reference_number: 'REF000000009' });
  const declined = sampleSession({ state: 'attempted', result: 'failed' });
  const lines = await emfLines(async () => {
    countSessionEvent({ ...sessionEvent('paid', paid, 'e1', new Date()), request_id: 'req-9' }, paid);
    countSessionEvent(sessionEvent('attempted', declined, 'e2', new Date()), declined);
    countSessionEvent(sessionEvent('attempted', { ...declined, result: 'pending' } as never, 'e3', new Date()), { ...declined, result: 'pending' });
    countSessionEvent(sessionEvent('pending', paid, 'e4', new Date()), paid);
  });
  const attempts = lines.filter((line) => metricOf(line) === 'PaymentAttempts');
  expect(attempts.map((line) => line.result)).toEqual(['success', 'failed']);
  expect(attempts[0]).toMatchObject({ request_id: 'req-9', event_id: 'e1', reference_number: 'REF000000009', PaymentAttempts: 1 });
});

test('a request refused authentication is one AuthRefused datapoint in the stage namespace, by status, with its request id; an accepted one is none', async () => {
  const config = { ...EMPTY_CONFIG, api_keys: [] };
  const { ports } = authPorts(config);
  const event = (authorization: string | undefined) => ({ headers: { authorization }, requestContext: { requestId: 'req-401', http: { sourceIp: '203.0.113.7' } } }) as never;
  const lines = await emfLines(async () => {
    await expect(authenticateRequest(ports, event('Api-Key nope.nope'))).rejects.toThrow('Invalid API key.');
    await expect(authenticateRequest(ports, event(undefined))).rejects.toThrow();
  });
  expect(lines.map(metricOf)).toEqual(['AuthRefused', 'AuthRefused']);
  expect(lines[0]).toMatchObject({ status: '401', request_id: 'req-401', AuthRefused: 1, _aws: { CloudWatchMetrics: [{ Namespace: 'Checkout/test', Dimensions: [expect.arrayContaining(['status'])] }] } });
  // Guessing one key prefix until it is locked: 401s, then a 429.
  const guesses = await emfLines(async () => {
    for (let i = 0; i < LOCKOUT.budgets.key.failures + 1; i++) await authenticateRequest(ports, event(`Api-Key guessed.${i}`)).catch(() => undefined);
  });
  expect(guesses.map((line) => line.status)).toEqual([...Array(LOCKOUT.budgets.key.failures).fill('401'), '429']);
});
