import { deliverWebhook } from '../../functions/app/deliver-webhook';
import { getSession } from '../../functions/app/get-session';
import { openCheckout } from '../../functions/app/open-checkout';
import { paySession } from '../../functions/app/pay-session';
import { recordRejection } from '../../functions/app/record-delivery-status';
import { sendNotification } from '../../functions/app/send-notification';
import type { DeliveryMessage } from '../../functions/domain/deliveries';
import type { WebhookResult } from '../../functions/domain/delivery-schedule';
import { ValidationError, VersionConflictError } from '../../functions/domain/errors';
import type { SessionEvent } from '../../functions/domain/events';
import type { Log, WebhookSender } from '../../functions/ports';
import { IN_PROGRESS_STALE_MS } from '../../functions/ports/idempotency-store';
import { EMAIL_TEMPLATES, SMS_TEMPLATES } from '../../functions/templates/templates.generated';
import { apiKeyCaller, embeddedPorts } from '../fixtures/embedded-ports';
import { LaggingSessions } from '../fixtures/lagging-sessions';
import { createSession, updateSession } from '../fixtures/session-requests';

/**
 * The reads that may be eventually consistent (docs/dynamodb.md), each against a replica that
 * lags: whatever an older version says, the use case ends where a strong read would have taken
 * it, and every re-read after a conflict is strong.
 */

class Receiver implements WebhookSender {
  readonly posts: Array<Record<string, unknown>> = [];
  async post(_url: string, body: string): Promise<WebhookResult> {
    this.posts.push(JSON.parse(body) as Record<string, unknown>);
    return { kind: 'response', status: 200 };
  }
}

const GOOD_CARD = { pg_code: 'sandbox-kwd', card_number: '4111111111111111', expiry: '12/30', cvv: '123', name_on_card: 'A' };
const quiet: Log = { info: () => undefined, warn: () => undefined };

let ports: Omit<Awaited<ReturnType<typeof embeddedPorts>>, 'sessions' | 'webhooks'> & { sessions: LaggingSessions; webhooks: Receiver };
let sessions: LaggingSessions;

beforeEach(async () => {
  sessions = new LaggingSessions();
  ports = { ...(await embeddedPorts()), sessions, webhooks: new Receiver(), log: quiet };
});

const create = (body: Record<string, unknown> = {}) =>
  createSession(ports, { principal: apiKeyCaller, body: { type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '5', currency_code: 'KWD', ...body } });
const patch = (id: string, body: Record<string, unknown>) => updateSession(ports, { principal: apiKeyCaller, sessionId: id, body, mode: 'partial' });
const stored = async (id: string) => (await sessions.get(id))!;
/** From here on, eventually consistent reads miss the latest `lag` writes; the record of reads starts afresh. */
const lagBy = (lag: number) => {
  sessions.lag = lag;
  sessions.resetReads();
};
/** Another write on the session: an e-mail to x@example.com refused for good. */
const rejectAnEmail = (id: string) =>
  recordRejection(ports, id, { channel: 'email', recipient: 'x@example.com', event: 'paid', reason: 'refused', at: ports.clock.now().toISOString() });
const eventsOf = (id: string) => sessions.outbox.filter((event) => event.session_id === id);
const lastEvent = (id: string): SessionEvent => eventsOf(id).at(-1)!;

describe('PATCH and PUT', () => {
  test('read eventually consistently: one read when the replica is current', async () => {
    const { session_id: id } = await create();
    lagBy(0);
    expect(await patch(id, { amount: '6' })).toMatchObject({ amount: '6.000', version: 2 });
    expect(sessions.reads).toEqual(['eventual']);
  });

  test('a stale read costs a conflict and a strong re-read, never a lost update', async () => {
    const { session_id: id } = await create();
    await patch(id, { amount: '6' });
    lagBy(1);
    const edited = await patch(id, { customer_first_name: 'Grace' });
    expect(sessions.reads).toEqual(['eventual', 'strong']);
    expect(edited).toMatchObject({ amount: '6.000', customer_first_name: 'Grace', version: 3 });
    expect(await stored(id)).toEqual(edited);
  });

  test('a 409 decided on a stale read is given only on the strong one: paid since, it says paid', async () => {
    const { session_id: id } = await create();
    await openCheckout(ports, id);
    await paySession(ports, { sessionId: id, form: GOOD_CARD, baseUrl: 'http://checkout.test' });
    lagBy(1);
    await expect(patch(id, { amount: '6' })).rejects.toThrow('it is paid');
    expect((await stored(id)).amount).toBe('5.000');
  });

  test('a session whose expiry was moved since the stale read is edited, not expired', async () => {
    const { session_id: id } = await create();
    await patch(id, { expiration_time: '03:00:00' });
    lagBy(1);
    ports.clock.advance(2 * 3600_000);
    // The stale version is past its expiry: the expire write loses to the newer version, and the
    // edit is made on it.
    expect(await patch(id, { amount: '7' })).toMatchObject({ state: 'created', amount: '7.000' });
    expect(eventsOf(id).map((event) => event.type)).toEqual(['created']);
  });

  test('a refusal a strong read confirms (same version) is answered as it is', async () => {
    const { session_id: id } = await create();
    lagBy(0);
    await expect(patch(id, { amount: '1.2345' })).rejects.toBeInstanceOf(ValidationError);
    expect(sessions.reads).toEqual(['eventual', 'strong']);
  });

  test('a race lost again after the strong re-read is the client\'s 409, and the other write stands', async () => {
    const { session_id: id } = await create();
    await patch(id, { amount: '6' });
    lagBy(1);
    // The stale attempt's write conflicts on its own; before the second one, another writer wins.
    sessions.beforeNextUpdate = async () => {
      sessions.beforeNextUpdate = async () => void (await patch(id, { customer_first_name: 'Other' }));
    };
    await expect(patch(id, { customer_first_name: 'Grace' })).rejects.toBeInstanceOf(VersionConflictError);
    expect(await stored(id)).toMatchObject({ amount: '6.000', customer_first_name: 'Other' });
  });
});

describe('the checkout page view', () => {
  test('a first view writes (created → pending): one eventually consistent read', async () => {
    const { session_id: id } = await create();
    lagBy(0);
    expect((await openCheckout(ports, id)).session.state).toBe('pending');
    expect(sessions.reads).toEqual(['eventual']);
  });

  test('a first view on a stale read opens the latest version (its write conflicts, the re-read is strong)', async () => {
    const { session_id: id } = await create();
    await patch(id, { amount: '6' });
    lagBy(1);
    const { session } = await openCheckout(ports, id);
    expect(session).toMatchObject({ state: 'pending', amount: '6.000', version: 3 });
    expect(sessions.reads).toEqual(['eventual', 'strong']);
    expect(eventsOf(id).map((event) => event.type)).toEqual(['created', 'pending']);
  });

  test('a view that writes nothing shows a strong read: paid a moment ago (another tab, or the 303 after paying), it shows paid', async () => {
    const { session_id: id } = await create();
    await openCheckout(ports, id);
    await paySession(ports, { sessionId: id, form: GOOD_CARD, baseUrl: 'http://checkout.test' });
    lagBy(1);
    expect((await openCheckout(ports, id)).session.state).toBe('paid');
    expect(sessions.reads).toEqual(['eventual', 'strong']);
  });

  test('pay and retrieve read strongly', async () => {
    const { session_id: id } = await create();
    await openCheckout(ports, id);
    lagBy(1);
    expect((await paySession(ports, { sessionId: id, form: GOOD_CARD, baseUrl: 'http://checkout.test' })).kind).toBe('charged');
    expect((await getSession(ports, id)).state).toBe('paid');
    expect(sessions.reads).toEqual(['strong', 'strong']);
  });
});

describe('webhook delivery', () => {
  const URL = 'https://merchant.example/hooks';
  /** A session paid with its webhook URL: its `paid` event, committed at version 3. */
  async function paidSession(): Promise<{ id: string; paid: SessionEvent }> {
    const { session_id: id } = await create({ webhook_url: URL });
    await openCheckout(ports, id);
    await paySession(ports, { sessionId: id, form: GOOD_CARD, baseUrl: 'http://checkout.test' });
    return { id, paid: lastEvent(id) };
  }
  const deliver = (event: SessionEvent, attempt = 1, extra: Partial<Extract<DeliveryMessage, { channel: 'webhook' }>> = {}) =>
    deliverWebhook(ports, { message: { channel: 'webhook', event, ...extra }, attempt });

  test('one eventually consistent read when the replica has the event', async () => {
    const { id, paid } = await paidSession();
    lagBy(0);
    expect(await deliver(paid)).toEqual({ kind: 'done' });
    expect(sessions.reads).toEqual(['eventual']);
    expect((await stored(id)).webhook_delivered).toEqual([paid.version]);
  });

  test('a replica behind the event is read again strongly: the paid webhook reports its attempt', async () => {
    const { id, paid } = await paidSession();
    lagBy(1);
    expect(await deliver(paid)).toEqual({ kind: 'done' });
    expect(sessions.reads).toEqual(['eventual', 'strong']);
    const attempt = (await stored(id)).attempts[0]!;
    expect(ports.webhooks.posts).toEqual([expect.objectContaining({ event_type: 'paid', reference_number: attempt.reference_number })]);
    expect((await stored(id)).webhook_delivered).toEqual([paid.version]);
  });

  test('a status write on a stale (but not older than the event) read conflicts, re-reads strongly and keeps the other write', async () => {
    const { id, paid } = await paidSession();
    await rejectAnEmail(id);
    lagBy(1);
    expect(await deliver(paid)).toEqual({ kind: 'done' });
    expect(sessions.reads).toEqual(['eventual', 'strong']);
    expect(await stored(id)).toMatchObject({
      webhook_delivered: [paid.version],
      webhook_status: { state: 'delivered', event: 'paid' },
      notification_status: { rejected: [expect.objectContaining({ recipient: 'x@example.com' })] },
    });
    expect(ports.webhooks.posts).toHaveLength(1);
  });

  test('a copy on a replica behind the listing: retries while the claim is in progress, and decides on a strong read once it takes the claim over', async () => {
    const { id, paid } = await paidSession();
    expect(await deliver(paid)).toEqual({ kind: 'done' });
    const delivered = await stored(id);
    // The replica has the event but not the status write that listed it.
    lagBy(1);
    expect((await sessions.get(id, { consistent: false }))!.webhook_delivered).toBeUndefined();
    sessions.resetReads();

    // At once: the claim is in progress and the stale read says "not yet": a retry, no POST.
    expect(await deliver(paid)).toMatchObject({ kind: 'retry' });
    // Once the claim is stale, the copy takes it over: the strong read finds the listing.
    ports.clock.advance(IN_PROGRESS_STALE_MS);
    expect(await deliver(paid, 2)).toEqual({ kind: 'done' });
    expect(sessions.reads).toEqual(['eventual', 'eventual', 'strong']);
    expect(ports.webhooks.posts).toHaveLength(1);
    expect(await stored(id)).toEqual(delivered);
  });

  test('an inquiry\'s status webhook answers with a strong read', async () => {
    const { paid } = await paidSession();
    lagBy(1);
    expect(await deliver(paid, 1, { status: true })).toEqual({ kind: 'done' });
    expect(sessions.reads[0]).toBe('strong');
    expect(sessions.reads).not.toContain('eventual');
    expect(ports.webhooks.posts).toEqual([expect.objectContaining({ state: 'paid' })]);
  });
});

describe('e-mail and SMS', () => {
  const settings = { templates: EMAIL_TEMPLATES, publicUrl: 'https://pay.example' };
  /** Renamed after creation, then paid: the `paid` event is version 4, the name changed at 2. */
  async function renamedAndPaid(): Promise<{ id: string; paid: SessionEvent }> {
    const { session_id: id } = await create({ customer_first_name: 'Ada', customer_email: 'ada@example.com', notifications: { email: ['paid'] } });
    await patch(id, { customer_first_name: 'Grace' });
    await openCheckout(ports, id);
    await paySession(ports, { sessionId: id, form: GOOD_CARD, baseUrl: 'http://checkout.test' });
    return { id, paid: lastEvent(id) };
  }
  const send = (event: SessionEvent) => sendNotification(ports, { message: { channel: 'email', event, to: 'ada@example.com' }, attempt: 1 }, settings);
  const sent = () => ports.outbox.entries.flatMap((entry) => (entry.channel === 'email' ? [entry.text] : []));

  test('one eventually consistent read when the replica has the event', async () => {
    const { paid } = await renamedAndPaid();
    lagBy(0);
    expect(await send(paid)).toEqual({ kind: 'done' });
    expect(sessions.reads).toEqual(['eventual']);
    expect(sent()).toEqual([expect.stringContaining('Dear Grace')]);
  });

  test('a replica behind the event is read again strongly; a duplicate sends nothing', async () => {
    const { paid } = await renamedAndPaid();
    // The replica still has the session as created (version 1: Ada).
    lagBy(3);
    expect(await send(paid)).toEqual({ kind: 'done' });
    expect(sessions.reads).toEqual(['eventual', 'strong']);
    expect(await send(paid)).toEqual({ kind: 'done' });
    expect(sent()).toEqual([expect.stringContaining('Dear Grace')]);
  });

  /** An SMS to a number that is not E.164: the provider refuses it for good. */
  const refusedSms = (event: SessionEvent) =>
    sendNotification(ports, { message: { channel: 'sms', event, to: 'not-a-number' }, attempt: 1 }, { ...settings, templates: SMS_TEMPLATES });
  const rejected = async (id: string) => (await stored(id)).notification_status?.rejected.map((entry) => entry.recipient);

  test('a refusal is recorded on the read the message was rendered from: no second read', async () => {
    const { id, paid } = await renamedAndPaid();
    lagBy(0);
    expect(await refusedSms(paid)).toEqual({ kind: 'done' });
    expect(sessions.reads).toEqual(['eventual']);
    expect(await rejected(id)).toEqual(['not-a-number']);
  });

  test('a refusal recorded on a stale read conflicts, re-reads strongly and keeps the other write', async () => {
    const { id, paid } = await renamedAndPaid();
    await rejectAnEmail(id);
    lagBy(1);
    expect(await refusedSms(paid)).toEqual({ kind: 'done' });
    expect(sessions.reads).toEqual(['eventual', 'strong']);
    expect(await rejected(id)).toEqual(['x@example.com', 'not-a-number']);
  });
});
