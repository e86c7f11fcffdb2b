import { OutboxRelay } from '../../functions/adapters/embedded/outbox-relay';
import { routeEvent } from '../../functions/app/route-event';
import { sessionEvent } from '../../functions/domain/events';
import { NOTIFICATION_EVENTS } from '../../functions/domain/state-machine';
import { waitFor } from '../fixtures/webhook-receiver';
import { createdEvent, eventPorts, recordQueues, sampleSession } from '../fixtures/event-ports';

let ports: Awaited<ReturnType<typeof eventPorts>>;
beforeEach(async () => {
  ports = await eventPorts();
});
afterEach(() => ports.queue.close());

test('fans an event out to the webhook, one e-mail per address and the SMS it asked for', async () => {
  const seen = recordQueues(ports.queue);
  const session = sampleSession({
    webhook_url: 'https://merchant.example/hook',
    email_recipients: ['accounts@merchant.example', 'HUDA@example.com'],
    notifications: { email: ['created', 'paid'], sms: ['paid'] },
  });
  const event = createdEvent(session);
  await ports.sessions.create(session, [event]);
  expect(await routeEvent(ports, event)).toBe(3);
  await waitFor(() => seen.webhook.length + seen.email.length === 3);
  expect(seen.webhook).toEqual([{ channel: 'webhook', event }]);
  expect(seen.email.map((m) => m.channel === 'email' && m.to)).toEqual(['huda@example.com', 'accounts@merchant.example']);
  expect(seen.sms).toEqual([]); // sms asked for `paid` only

  const paid = { ...session, state: 'paid' as const, version: 2 };
  const paidEvent = sessionEvent('paid', paid, 'evt-paid', new Date());
  await ports.sessions.update(paid, session, [paidEvent]);
  expect(await routeEvent(ports, paidEvent)).toBe(4);
  await waitFor(() => seen.sms.length === 1);
  expect(seen.sms[0]).toEqual({ channel: 'sms', event: paidEvent, to: '+96550000000' });
});

test('no webhook without webhook_url; events outside the notification list only reach the webhook', async () => {
  const seen = recordQueues(ports.queue);
  const quiet = sampleSession({ notifications: { email: [...NOTIFICATION_EVENTS], sms: [...NOTIFICATION_EVENTS] } });
  await ports.sessions.create(quiet, []);
  expect(await routeEvent(ports, sessionEvent('pending', { ...quiet, state: 'pending' }, 'e1', new Date()))).toBe(0);

  const hooked = sampleSession({ webhook_url: 'https://merchant.example/hook', notifications: { email: ['paid'], sms: ['paid'] } });
  await ports.sessions.create(hooked, []);
  expect(await routeEvent(ports, sessionEvent('attempted', { ...hooked, state: 'attempted' }, 'e2', new Date()))).toBe(1);
  expect(await routeEvent(ports, createdEvent(hooked))).toBe(1);
  await waitFor(() => seen.webhook.length === 2);
  expect(seen.email).toEqual([]);
  expect(seen.sms).toEqual([]);
});

test("Ottu's triggers by default: every attempt's result, cancel, expiry and the operations send the webhook; created and pending only when the merchant asks", async () => {
  const plain = await eventPorts({ webhookOpenEvents: [] });
  const seen = recordQueues(plain.queue);
  const hooked = sampleSession({ webhook_url: 'https://merchant.example/hook' });
  await plain.sessions.create(hooked, []);
  const at = (type: Parameters<typeof sessionEvent>[0], state: Parameters<typeof sessionEvent>[1]['state']) => sessionEvent(type, { ...hooked, state }, `e-${type}`, new Date());
  expect(await routeEvent(plain, createdEvent(hooked))).toBe(0);
  expect(await routeEvent(plain, at('pending', 'pending'))).toBe(0);
  for (const [type, state] of [['attempted', 'attempted'], ['failed', 'failed'], ['paid', 'paid'], ['authorized', 'authorized'], ['canceled', 'canceled'], ['expired', 'expired'], ['refunded', 'paid'], ['captured', 'authorized'], ['voided', 'authorized']] as const) {
    expect(await routeEvent(plain, at(type, state))).toBe(1);
  }
  await waitFor(() => seen.webhook.length === 9);
  plain.queue.close();

  const asking = await eventPorts({ webhookOpenEvents: ['created', 'pending'] });
  await asking.sessions.create(hooked, []);
  expect(await routeEvent(asking, createdEvent(hooked))).toBe(1);
  expect(await routeEvent(asking, at('pending', 'pending'))).toBe(1);
  asking.queue.close();
});

test('an event of a session that no longer exists is dropped', async () => {
  expect(await routeEvent(ports, createdEvent(sampleSession({ webhook_url: 'https://x.example/' })))).toBe(0);
});

describe('outbox relay (fault injection between the commit and the enqueue)', () => {
  test('routing that throws on the first delivery is retried until the event is queued', async () => {
    const seen = recordQueues(ports.queue);
    let calls = 0;
    const relay = new OutboxRelay(ports.sessions, async (event) => {
      calls += 1;
      if (calls === 1) throw new Error('router crashed after the commit');
      return routeEvent(ports, event);
    }, { retryMs: 10 });
    relay.start();
    const session = sampleSession({ webhook_url: 'https://merchant.example/hook' });
    const event = createdEvent(session);
    await ports.sessions.create(session, [event]);
    await waitFor(() => seen.webhook.length === 1, { what: 'the re-delivered event' });
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(seen.webhook[0]).toEqual({ channel: 'webhook', event });
    await waitFor(() => relay.pendingCount() === 0);
    relay.stop();
  });

  test('a relay that died before routing loses nothing: the next one delivers every unacknowledged event', async () => {
    const seen = recordQueues(ports.queue);
    const dead = new OutboxRelay(ports.sessions, () => new Promise(() => undefined)); // hangs forever, like a killed process
    dead.start();
    const sessions = [1, 2, 3].map(() => sampleSession({ webhook_url: 'https://merchant.example/hook' }));
    for (const session of sessions) await ports.sessions.create(session, [createdEvent(session)]);
    dead.stop();
    expect(seen.webhook).toHaveLength(0);

    const next = new OutboxRelay(ports.sessions, (event) => routeEvent(ports, event), { retryMs: 10 });
    next.start();
    await waitFor(() => seen.webhook.length === 3);
    expect(new Set(seen.webhook.map((m) => m.event.session_id))).toEqual(new Set(sessions.map((s) => s.session_id)));
    next.stop();
  });
});
