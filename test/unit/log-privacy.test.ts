import { stampRequestId, runWithRequestId } from '../../functions/adapters/request-context';
import { deliverWebhook } from '../../functions/app/deliver-webhook';
import { sendNotification } from '../../functions/app/send-notification';
import { maskEmail, maskPhone, redactText, urlWithoutQuery } from '../../functions/domain/redact';
import type { Log } from '../../functions/ports';
import { EMAIL_TEMPLATES, SMS_TEMPLATES } from '../../functions/templates/templates.generated';
import { createdEvent, eventPorts, sampleSession } from '../fixtures/event-ports';
import { startReceiver } from '../fixtures/webhook-receiver';

const EMAIL = 'huda.saleh@example.com';
const PHONE = '+96550012345';

describe('personal data stays out of the logs', () => {
  test('masks: an e-mail keeps its first letter and domain, a phone its country code and last two digits, a URL loses its query', () => {
    expect(maskEmail(EMAIL)).toBe('h***@example.com');
    expect(maskPhone(PHONE)).toBe('+965******45');
    expect(urlWithoutQuery('https://user:pw@shop.example/hook?token=s3cret&email=a@b.co#x')).toBe('https://shop.example/hook');
    expect(redactText(`SES refused ${EMAIL}; SNS refused ${PHONE}`)).toBe('SES refused h***@example.com; SNS refused +965******45');
  });

  test('the delivery log lines of a webhook (URL with a query), an e-mail and an SMS hold no address, number or query', async () => {
    const receiver = await startReceiver(200);
    const lines: string[] = [];
    const log: Log = { info: (message, fields) => lines.push(JSON.stringify({ message, ...fields })), warn: (message, error) => lines.push(`${message} ${error.message}`) };
    try {
      const ports = { ...(await eventPorts()), log };
      const session = sampleSession({ customer_email: EMAIL, customer_phone: PHONE, webhook_url: `${receiver.url}?token=s3cret&email=${EMAIL}` });
      const event = runWithRequestId('req-abc-123', () => stampRequestId([createdEvent(session)]))[0]!;
      await ports.sessions.create(session, [event]);
      await deliverWebhook(ports, { message: { channel: 'webhook', event }, attempt: 1 });
      const settings = { templates: EMAIL_TEMPLATES, publicUrl: 'https://pay.example' };
      await sendNotification(ports, { message: { channel: 'email', event, to: EMAIL }, attempt: 1 }, settings);
      // The SMS twin refuses a malformed number: the reason is logged, masked too.
      await sendNotification(ports, { message: { channel: 'sms', event, to: PHONE }, attempt: 1 }, { ...settings, templates: SMS_TEMPLATES });
      expect(lines).toHaveLength(3);
      const text = lines.join('\n');
      for (const secret of [EMAIL, PHONE, PHONE.slice(1), 's3cret', '?token', 'huda.saleh']) expect([secret, text.includes(secret)]).toEqual([secret, false]);
      // Still useful: which endpoint, which recipient (masked), which request.
      expect(JSON.parse(lines[0]!)).toMatchObject({ channel: 'webhook', url: `${receiver.url}`.replace(/\/$/, '') + (new URL(receiver.url).pathname === '/' ? '/' : ''), outcome: 'delivered', request_id: 'req-abc-123' });
      expect(JSON.parse(lines[1]!)).toMatchObject({ channel: 'email', to: 'h***@example.com', request_id: 'req-abc-123' });
      expect(JSON.parse(lines[2]!)).toMatchObject({ channel: 'sms', to: '+965******45', request_id: 'req-abc-123' });
      await ports.queue.close();
    } finally {
      await receiver.close();
    }
  });

  test('the request id is stamped on the events a request commits, never over one it already has', () => {
    const session = sampleSession();
    const event = createdEvent(session);
    expect(stampRequestId([event])[0]!.request_id).toBeUndefined();
    const stamped = runWithRequestId('req-1', () => stampRequestId([event, { ...event, request_id: 'req-0' }]));
    expect(stamped.map((e) => e.request_id)).toEqual(['req-1', 'req-0']);
  });
});
