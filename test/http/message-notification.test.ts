import { GOOD_CARD, openPage, postPayment } from '../fixtures/checkout-form';
import { DEMO_ENV, seedBody, startTestApi, type TestApi } from '../fixtures/local-api';
import { startReceiver, waitFor, type WebhookReceiver } from '../fixtures/webhook-receiver';

/** Ottu's message notification (send a session's e-mail / SMS again) and the merchant's per-plugin defaults. */
let api: TestApi;
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startReceiver();
  api = await startTestApi({ env: { ...DEMO_ENV, CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1' }, delayScale: 0.00001, webhookTimeoutMs: 1000 });
});
afterAll(async () => {
  await api.close();
  await receiver.close();
});

const create = async (body: Record<string, unknown>) => {
  const response = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: { ...seedBody(), ...body } });
  expect(response.status).toBe(201);
  return response.json;
};
const resend = (body: Record<string, unknown>, auth?: 'none') => api.request('POST', '/b/pbl/v2/message-notification/', { body, ...(auth ? { auth } : {}) });
const sentTo = (to: string) => api.outbox.entries.filter((entry) => entry.to === to);

test("sends the session's e-mail and SMS for its current state again, each time asked; by session_id or order_no", async () => {
  const session = await create({ customer_email: 'resend@example.com', customer_phone: '96551234567', order_no: `resend-${Date.now()}`, notifications: { email: ['created', 'paid'], sms: ['paid'] } });
  await waitFor(() => sentTo('resend@example.com').length === 1, { what: 'the created e-mail' });

  expect(await resend({ session_id: session.session_id, channels: ['email'] })).toMatchObject({ status: 200, json: { message: 'Customer notified.' } });
  await waitFor(() => sentTo('resend@example.com').length === 2, { what: 'the e-mail sent again' });
  const [first, again] = sentTo('resend@example.com');
  expect(again!.channel === 'email' && again!.subject).toBe(first!.channel === 'email' && first!.subject);

  // created asks for no SMS: nothing is sent, and the answer says why, in Ottu's failure shape.
  const refused = await resend({ order_no: session.order_no, channels: ['sms'] });
  expect(refused).toMatchObject({ status: 400, json: { session_id: session.session_id, order_no: session.order_no, channels: 'sms', result: 'failed', detail: expect.stringContaining('"created" by sms') } });

  // Paid: its e-mail and SMS, again.
  await postPayment(api, session.session_id, GOOD_CARD, await openPage(api, session.session_id));
  await waitFor(() => sentTo('+96551234567').length === 1, { what: 'the paid SMS' });
  expect((await resend({ session_id: session.session_id, channels: ['sms', 'email'] })).status).toBe(200);
  await waitFor(() => sentTo('+96551234567').length === 2 && sentTo('resend@example.com').length === 4, { what: 'the paid e-mail and SMS sent again' });
});

test('refuses what it cannot do: whatsapp, no channel, no session, no credentials', async () => {
  const session = await create({ notifications: { email: ['created'] } });
  expect(await resend({ session_id: session.session_id, channels: ['whatsapp'] })).toMatchObject({ status: 400, json: { channels: { 0: ['WhatsApp notifications is not supported yet.'] } } });
  expect(await resend({ session_id: session.session_id, channels: [] })).toMatchObject({ status: 400, json: { channels: ['This list may not be empty.'] } });
  expect(await resend({ channels: ['email'] })).toMatchObject({ status: 400, json: { non_field_errors: ['Either session_id or order_no must be provided.'] } });
  expect((await resend({ session_id: 'f'.repeat(40), channels: ['email'] })).status).toBe(404);
  expect((await resend({ session_id: session.session_id, channels: ['email'] }, 'none')).status).toBe(401);
});

test("the merchant's default webhook_url and redirect_url of a plugin go to sessions written without one", async () => {
  const config = await api.ports.config.load();
  api.ports.config.replace({ ...config, plugin_defaults: { payment_request: { webhook_url: receiver.url, redirect_url: 'https://shop.example/thanks' } } });
  try {
    const defaulted = await create({ webhook_url: null });
    expect(defaulted).toMatchObject({ webhook_url: receiver.url, redirect_url: 'https://shop.example/thanks' });
    // A session's own URLs win; another plugin has no defaults.
    expect(await create({ redirect_url: 'https://shop.example/own' })).toMatchObject({ webhook_url: receiver.url, redirect_url: 'https://shop.example/own' });
    expect(await create({ type: 'e_commerce' })).toMatchObject({ webhook_url: '', redirect_url: '' });
    // The default webhook_url is notified (Ottu: a completed attempt sends it).
    await postPayment(api, defaulted.session_id, GOOD_CARD, await openPage(api, defaulted.session_id));
    await waitFor(() => receiver.requests.some((request) => request.body.session_id === defaulted.session_id && request.body.event_type === 'paid'), { what: 'the paid webhook at the default URL' });
  } finally {
    api.ports.config.replace(config);
  }
});
