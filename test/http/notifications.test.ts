import { DEMO_ENV, seedBody, startTestApi, type TestApi } from '../fixtures/local-api';
import { waitFor } from '../fixtures/webhook-receiver';

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi({
    env: { ...DEMO_ENV },
    delayScale: 0.00001,
    rejectNotification: (channel, to) => (to.startsWith('bounce@') ? 'Address blacklisted' : undefined),
  });
});
afterEach(() => api.close());

const create = async (body: Record<string, unknown>) => {
  const response = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), ...body } });
  expect(response.status).toBe(201);
  return response.json.session_id as string;
};
const doc = async (id: string) => (await api.request('GET', `/b/checkout/v1/pymt-txn/${id}`)).json;

test('Arabic sessions get the Arabic templates; only the events asked for are sent', async () => {
  await create({ language: 'ar', customer_first_name: 'خالد', notifications: { email: ['created'], sms: ['paid'] } });
  await waitFor(() => api.outbox.entries.length === 1);
  await waitFor(() => api.ports.queue.depth('email') + api.ports.queue.depth('sms') === 0);
  const [mail] = api.outbox.entries;
  expect(mail).toMatchObject({ channel: 'email', to: 'customer@example.com', from: 'checkout@localhost' });
  expect(mail!.channel === 'email' && mail!.subject).toContain('طلب دفع');
  expect(mail!.channel === 'email' && mail!.html).toContain('dir="rtl"');
  expect(api.outbox.entries).toHaveLength(1); // no SMS for `created`
});

test('a permanently rejected address is recorded on the session and not retried; the others still go', async () => {
  const id = await create({ customer_email: 'bounce@example.com', email_recipients: ['ok@example.com'], notifications: { email: ['created'] } });
  const status = await waitFor(async () => (await doc(id)).notification_status);
  expect(status.rejected).toEqual([
    { channel: 'email', recipient: 'bounce@example.com', event: 'created', reason: 'Address blacklisted', at: expect.any(String) },
  ]);
  await waitFor(() => api.ports.queue.depth('email') === 0);
  expect(api.outbox.entries.map((entry) => entry.to)).toEqual(['ok@example.com']);
  expect(api.ports.queue.deadLetters('email')).toEqual([]);
});

test('a number SNS would refuse (not E.164 once prefixed) is recorded, not retried', async () => {
  const id = await create({ customer_phone: '0965500000', notifications: { sms: ['created'] } });
  const status = await waitFor(async () => (await doc(id)).notification_status);
  expect(status.rejected[0]).toMatchObject({ channel: 'sms', recipient: '+0965500000', event: 'created' });
  expect(api.ports.queue.deadLetters('sms')).toEqual([]);
});

test('throttling is retried through the queue until the provider accepts', async () => {
  const send = api.ports.mailer.send;
  let calls = 0;
  api.ports.mailer.send = async (message) => {
    calls += 1;
    if (calls <= 2) throw Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' });
    return send(message);
  };
  await create({ notifications: { email: ['created'] } });
  await waitFor(() => api.outbox.entries.length === 1, { what: 'the e-mail after two throttled attempts' });
  expect(calls).toBe(3);
});
