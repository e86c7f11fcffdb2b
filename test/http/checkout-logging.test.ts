import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { GOOD_CARD, openPage, postPayment } from '../fixtures/checkout-form';
import { DEMO_ENV, requester } from '../fixtures/local-api';
import { payOnHostedForm } from '../fixtures/mpgs';

/**
 * Logging is configured from the environment when the process starts, so this runs the API in a
 * child process (`npm start`'s entry) with everything turned on: DEBUG level and Powertools'
 * POWERTOOLS_LOGGER_LOG_EVENT, which would print whole request events, bodies included.
 */
let child: ChildProcess;
let output = '';
let url: string;

beforeAll(async () => {
  child = spawn(process.execPath, [require.resolve('tsx/cli'), join(__dirname, '../../bin/local.ts')], {
    env: { ...process.env, ...DEMO_ENV, PORT: '0', LOG_FORMAT: 'json', POWERTOOLS_LOG_LEVEL: 'DEBUG', POWERTOOLS_LOGGER_LOG_EVENT: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => void (output += chunk.toString());
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the API did not start:\n${output}`)), 20_000);
    child.stdout!.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
});
afterAll(() => {
  child?.kill();
});

test('card numbers and CVVs never reach the logs, even with event logging and DEBUG on', async () => {
  const api = { request: requester(url) };
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', {
    body: { type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '14', currency_code: 'KWD' },
  });
  expect(created.status).toBe(201);
  const id = created.json.session_id;
  const visit = await openPage(api, id);
  const before = output.length;
  expect((await postPayment(api, id, { ...GOOD_CARD, card_number: '4000 0000 0000 0002', cvv: '987' }, visit)).status).toBe(303);
  expect((await postPayment(api, id, { ...GOOD_CARD, cvv: '9x7' }, visit)).status).toBe(400);
  expect((await postPayment(api, id, { ...GOOD_CARD, cvv: '987' }, { token: 'forged', cookie: visit.cookie })).status).toBe(403);
  expect((await postPayment(api, id, { ...GOOD_CARD, cvv: '987' }, visit)).status).toBe(303);
  await new Promise((resolve) => setTimeout(resolve, 200)); // let the child flush its output
  const logs = output.slice(before);
  // Digits of either card however encoded (spaces, +, %20, dashes), and the form's field names.
  const gap = '(?:\\s|\\+|%20|-)*';
  expect(logs).not.toMatch(new RegExp(`4111${gap}1111|4000${gap}0000${gap}0000|card_number|cvv|9x7`, 'i'));
  // The check means something only if the process logs at all: it does, as JSON lines.
  expect(output).toMatch(/^\{"level":"(DEBUG|INFO|WARN)"/m);
});

test('an MPGS payment leaves no card number or security code in any log line nor in any stored session, event or request record', async () => {
  const api = { request: requester(url) };
  const mpgsUrl = /Local MPGS\s+(http:\/\/\S+)/.exec(output)?.[1];
  expect(mpgsUrl).toBeDefined();
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { type: 'payment_request', pg_codes: ['mpgs-kwd'], amount: '14.125', currency_code: 'KWD' } });
  const id = created.json.session_id as string;
  const before = output.length;
  const handOver = await postPayment(api, id, { pg_code: 'mpgs-kwd' }, await openPage(api, id));
  const mpgsSession = /Checkout\.configure\(\{"session":\{"id":"([^"]+)"\}\}\)/.exec(handOver.text)![1]!;
  // The customer on MPGS's own page: the card goes to the gateway, which sends the browser back.
  const back = await payOnHostedForm({ url: mpgsUrl! }, mpgsSession, { number: '5123450000000008', expiry: '01/39', cvv: '100' });
  expect((await api.request('GET', back.pathname + back.search, { auth: 'none' })).status).toBe(303);
  expect((await api.request('GET', `/b/checkout/v1/pymt-txn/${id}`)).json).toMatchObject({ state: 'paid' });
  await new Promise((resolve) => setTimeout(resolve, 200)); // let the child flush its output
  const logs = output.slice(before);
  const gap = '(?:\\s|\\+|%20|-)*';
  // The form's field names too; MPGS's `cardSecurityCode` (the check's result, no code) may be stored.
  const cardData = new RegExp(`5123${gap}4500${gap}0000${gap}0008|cardNumber|\\bsecurityCode|card_number|cvv`, 'i');
  expect(logs).not.toMatch(cardData);
  // The handlers did log this payment (the sync's, the requests'), so the check means something.
  expect(logs).toContain(id);
  // What the runtime stored: the sessions (attempts, pg_params, gateway_response), their events and request records.
  const stored = [await api.request('GET', '/_local/sessions.json', { auth: 'none' }), await api.request('GET', `/_local/sessions/${id}`, { auth: 'none' })];
  for (const answer of stored) {
    expect(answer.status).toBe(200);
    expect(answer.text).not.toMatch(new RegExp(`5123${gap}4500${gap}0000${gap}0008|4111${gap}1111|4000${gap}0000${gap}0000|"securityCode"|"cvv"`, 'i'));
  }
  // The MPGS payment is among them (its masked number, which may be kept).
  expect(stored[0]!.text).toContain('512345xxxxxx0008');
});

test('saved cards: keeping, listing, charging (auto-debit) and deleting a card leave no card number, security code or token in any log line, nor a card number or code in what is stored', async () => {
  const api = { request: requester(url) };
  const mpgsUrl = /Local MPGS\s+(http:\/\/\S+)/.exec(output)?.[1]!;
  const customerId = `log-${process.pid}`;
  const agreement = { id: `agr-log-${process.pid}`, type: 'unscheduled', frequency: 'irregular' };
  const before = output.length;
  /** A hosted payment at the local MPGS (the checkbox's value when given): answers the stored session. */
  const payHosted = async (body: Record<string, unknown>, fields: Record<string, string> = {}) => {
    const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { type: 'payment_request', pg_codes: ['mpgs-kwd'], amount: '14.125', currency_code: 'KWD', customer_id: customerId, ...body } });
    const id = created.json.session_id as string;
    const handOver = await postPayment(api, id, { pg_code: 'mpgs-kwd', ...fields }, await openPage(api, id));
    const mpgsSession = /Checkout\.configure\(\{"session":\{"id":"([^"]+)"\}\}\)/.exec(handOver.text)![1]!;
    const back = await payOnHostedForm({ url: mpgsUrl }, mpgsSession, { number: '5123450000000008', expiry: '01/39', cvv: '100' });
    expect((await api.request('GET', back.pathname + back.search, { auth: 'none' })).status).toBe(303);
    return id;
  };
  await payHosted({}, { save_card: 'on' });
  const first = await payHosted({ payment_type: 'auto_debit', agreement });
  const cards = (await api.request('POST', '/b/pbl/v2/card/', { body: { customer_id: customerId, type: 'sandbox' } })).json as Array<{ token: string; agreements: string[] }>;
  expect(cards).toHaveLength(2);
  const loose = cards.find((card) => card.agreements.length === 0)!.token;
  const charging = cards.find((card) => card.agreements.length === 1)!.token;
  const next = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { type: 'payment_request', pg_codes: ['mpgs-kwd'], amount: '9.500', currency_code: 'KWD', customer_id: customerId, payment_type: 'auto_debit', agreement } });
  expect((await api.request('POST', '/b/pbl/v2/auto-debit/', { body: { session_id: next.json.session_id, token: charging } })).json).toMatchObject({ state: 'paid' });
  expect((await api.request('DELETE', `/b/pbl/v2/card/${loose}/?customer_id=${customerId}&type=sandbox`)).status).toBe(204);
  await new Promise((resolve) => setTimeout(resolve, 200)); // let the child flush its output
  const logs = output.slice(before);
  expect(logs).toContain(first);
  expect(logs).toContain(next.json.session_id);
  const gap = '(?:\\s|\\+|%20|-)*';
  expect(logs).not.toMatch(new RegExp(`5123${gap}4500${gap}0000${gap}0008|cardNumber|\\bsecurityCode|card_number|cvv`, 'i'));
  // A token pays without the customer: never whole in a log line (the request lines name the card route, masked).
  expect(logs).not.toContain(loose);
  expect(logs).not.toContain(charging);
  const stored = await api.request('GET', '/_local/sessions.json', { auth: 'none' });
  expect(stored.text).toContain('512345xxxxxx0008');
  expect(stored.text).not.toMatch(new RegExp(`5123${gap}4500${gap}0000${gap}0008|"securityCode"|"cvv"`, 'i'));
});
