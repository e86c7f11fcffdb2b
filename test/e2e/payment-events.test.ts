import { paySession } from '../../functions/app/pay-session';
import { verifyWebhookSignature } from '../../functions/domain/webhook-signature';
import { DEMO_ENV, seedBody, startTestApi, type TestApi } from '../fixtures/local-api';
import { startReceiver, waitFor, type WebhookReceiver } from '../fixtures/webhook-receiver';

let api: TestApi;
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startReceiver();
  api = await startTestApi({ env: { ...DEMO_ENV, CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1' }, delayScale: 0.00001 });
  // The merchant asks for the `created` webhook (Ottu sends none by default: npm run admin -- set-webhook-events).
  api.ports.config.replace({ ...(await api.ports.config.load()), webhook_open_events: ['created'] });
});
afterAll(async () => {
  await api.close();
  await receiver.close();
});

/** What the payment flow does: the state machine decides, the repository commits the change with its event. */
/** The customer pays through the sandbox gateway (the hosted page's use case, without the browser). */
async function pay(sessionId: string): Promise<void> {
  const form = { pg_code: 'sandbox-kwd', card_number: '4111 1111 1111 1111', expiry: '12/39', cvv: '123', name_on_card: 'Huda' };
  const outcome = await paySession(api.ports, { sessionId, form, baseUrl: api.url });
  if (outcome.kind === 'unchanged') throw new Error(`payment not taken: ${JSON.stringify(outcome)}`);
}

const emails = () => api.outbox.entries.filter((entry) => entry.channel === 'email');
const sms = () => api.outbox.entries.filter((entry) => entry.channel === 'sms');

test('create with a webhook and notifications → signed `created` webhook, e-mail, SMS; pay → `paid` ones', async () => {
  // Fault injection: the first hand-off to the queues after the commit fails. The event is in
  // the outbox already, so the relay delivers it again.
  const publish = api.ports.queue.publish.bind(api.ports.queue);
  let failed = false;
  api.ports.queue.publish = async (queue, message) => {
    if (!failed) {
      failed = true;
      throw new Error('injected: the router died between the write and the enqueue');
    }
    return publish(queue, message);
  };

  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', {
    body: {
      ...seedBody(),
      customer_first_name: 'Huda',
      customer_phone: '96550001234',
      email_recipients: ['accounts@merchant.example'],
      billing_address: { line1: 'Block 3, Street 5', city: 'Kuwait City', state: 'Capital', country: 'KW', postal_code: '13001' },
      order_no: 'E2E-1',
      webhook_url: receiver.url,
      notifications: { email: ['created', 'paid'], sms: ['created', 'paid'] },
    },
  });
  expect(created.status).toBe(201);
  const id = created.json.session_id as string;

  await waitFor(() => receiver.requests.length === 1, { what: 'the created webhook' });
  expect(failed).toBe(true);
  const createdHook = receiver.requests[0]!.body;
  expect(createdHook).toMatchObject({
    session_id: id,
    order_no: 'E2E-1',
    amount: '14.000',
    currency_code: 'KWD',
    state: 'created',
    result: 'pending',
    gateway_account: 'sandbox-kwd',
    customer_address_country: 'KW',
    customer_address_city: 'Kuwait City',
  });
  expect(verifyWebhookSignature(createdHook, DEMO_ENV.CHECKOUT_DEMO_WEBHOOK_KEY)).toBe(true);
  expect(verifyWebhookSignature({ ...createdHook, amount: '1.000' }, DEMO_ENV.CHECKOUT_DEMO_WEBHOOK_KEY)).toBe(false);

  await waitFor(() => emails().length === 2 && sms().length === 1, { what: 'the created e-mails and SMS' });
  expect(emails().map((entry) => entry.to).sort()).toEqual(['accounts@merchant.example', 'customer@example.com']);
  const createdMail = emails()[0]!;
  expect(createdMail.channel === 'email' && createdMail.text).toContain(`${api.url}/b/checkout/redirect/start/?session_id=${id}`);
  expect(sms()[0]).toMatchObject({ to: '+96550001234', text: expect.stringContaining('14.000 KWD') });

  await pay(id);
  await waitFor(() => receiver.requests.length === 2, { what: 'the paid webhook' });
  const paidHook = receiver.requests[1]!.body;
  const paid = (await api.ports.sessions.get(id))!;
  expect(paidHook).toMatchObject({
    session_id: id,
    state: 'paid',
    result: 'success',
    event_type: 'paid',
    paid_amount: '14.000',
    reference_number: paid.reference_number,
    gateway_account: 'sandbox-kwd',
    gateway_name: 'Ottu PG',
  });
  expect(paidHook.reference_number).toMatch(/^[A-Z2-9]{12}$/);
  expect(paidHook.event_id).not.toBe(createdHook.event_id);
  expect(verifyWebhookSignature(paidHook, DEMO_ENV.CHECKOUT_DEMO_WEBHOOK_KEY)).toBe(true);
  await waitFor(() => emails().length === 4 && sms().length === 2, { what: 'the paid e-mails and SMS' });
  expect(emails()[0]!.channel === 'email' && emails()[0]!.subject).toMatch(/^Payment received/);

  // The outbox viewer: newest first, rendered.
  const page = await (await fetch(`${api.url}/_local/outbox`)).text();
  expect(page.indexOf('Payment received')).toBeGreaterThan(-1);
  expect(page.indexOf('Payment received')).toBeLessThan(page.indexOf('Payment request: 14.000 KWD (E2E-1)'));
  const listed = (await (await fetch(`${api.url}/_local/outbox.json`)).json()) as { messages: unknown[]; dead_letters: Record<string, unknown[]> };
  expect(listed.messages).toHaveLength(6);
  expect(listed.dead_letters.webhook).toEqual([]);

  const doc = (await api.request('GET', `/b/checkout/v1/pymt-txn/${id}`)).json;
  await waitFor(async () => (await api.request('GET', `/b/checkout/v1/pymt-txn/${id}`)).json.webhook_status.event === 'paid');
  expect(doc.state).toBe('paid');
});
