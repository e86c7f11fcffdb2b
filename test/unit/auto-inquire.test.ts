import { autoInquire } from '../../functions/app/auto-inquire';
import { firstInquiry, INQUIRY_TRIES, inquiryDelaySeconds, notificationInquiry, parseInquiryMessage, type InquiryMessage } from '../../functions/domain/inquiry';
import type { GatewaySetting } from '../../functions/domain/config';
import type { PaymentAttempt } from '../../functions/domain/session';
import type { PaymentGateway } from '../../functions/ports';
import { eventPorts, sampleSession } from '../fixtures/event-ports';

/** The automatic inquiry's tries against a gateway that never answers, then one that does. */
async function setup(answer: () => Awaited<ReturnType<PaymentGateway['sync']>>) {
  const ports = await eventPorts();
  const pgCode = (await ports.config.load()).gateways[0]!.code;
  const attempt: PaymentAttempt = { reference_number: 'REF-1', pg_code: pgCode, result: 'pending', card_brand: 'card', card_last4: '', attempted_at: '2026-11-25T10:00:00.000Z' };
  const session = sampleSession({ pg_codes: [pgCode], state: 'pending', attempts: [attempt], reference_number: 'REF-1' });
  await ports.sessions.create(session, []);
  const asked: string[] = [];
  const connector = { capabilities: { sync: true }, sync: async (request: { reference: string }) => (asked.push(request.reference), answer()) } as unknown as PaymentGateway;
  const scheduled: InquiryMessage[] = [];
  const inquiries = { schedule: async (message: InquiryMessage) => void scheduled.push(message) };
  return { ports: { ...ports, gateways: { connect: async () => connector }, inquiries }, session, asked, scheduled };
}

test(`while the gateway has no answer each try schedules the next; after ${INQUIRY_TRIES} tries it stops (and alarms)`, async () => {
  const { ports, session, asked, scheduled } = await setup(() => ({ status: 'pending' }) as never);
  const warnings: string[] = [];
  const log = { ...ports.log, warn: (message: string) => void warnings.push(message) };
  let message: InquiryMessage | undefined = firstInquiry(session.session_id, 'REF-1', { inquiry_window_minutes: 11 });
  const outcomes: string[] = [];
  while (message) {
    const outcome = await autoInquire({ ...ports, log }, message);
    outcomes.push(outcome.kind);
    message = outcome.kind === 'again' ? outcome.next : undefined;
  }
  expect(outcomes).toEqual(['again', 'again', 'gave_up']);
  expect(asked).toEqual(['REF-1', 'REF-1', 'REF-1']);
  expect(scheduled.map((next) => [next.try, next.delay_seconds])).toEqual([[2, 660], [3, 660]]);
  expect(warnings).toEqual([expect.stringMatching(/^ALARM automatic inquiry gave up/)]);
  expect((await ports.sessions.get(session.session_id))!.attempts[0]!.result).toBe('pending');
});

test('an attempt already settled (by the return or a notification) is not asked about and nothing is scheduled; a deleted session is gone', async () => {
  const { ports, session, asked, scheduled } = await setup(() => ({ status: 'pending' }) as never);
  const settled = { ...session, state: 'paid' as const, attempts: [{ ...session.attempts[0]!, result: 'success' as const }], version: session.version + 1 };
  await ports.sessions.update(settled, session, []);
  expect((await autoInquire(ports, firstInquiry(session.session_id, 'REF-1', {}))).kind).toBe('unchanged');
  expect((await autoInquire(ports, firstInquiry('no-such-session', 'REF-1', {}))).kind).toBe('gone');
  expect(asked).toEqual([]);
  expect(scheduled).toEqual([]);
});

test('a try that comes before its attempt is committed (scheduled before the gateway is asked) is tried again; after the last try it ends quietly, no alarm', async () => {
  const { ports, session, asked, scheduled } = await setup(() => ({ status: 'pending' }) as never);
  const warnings: string[] = [];
  const log = { ...ports.log, warn: (message: string) => void warnings.push(message) };
  const first = firstInquiry(session.session_id, 'NOT-YET', { inquiry_window_minutes: 11 });
  expect(await autoInquire({ ...ports, log }, first)).toMatchObject({ kind: 'again', next: { reference: 'NOT-YET', try: 2 } });
  expect(await autoInquire({ ...ports, log }, { ...first, try: INQUIRY_TRIES })).toMatchObject({ kind: 'unchanged' });
  expect(scheduled.map((next) => next.try)).toEqual([2]);
  expect(asked).toEqual([]);
  expect(warnings).toEqual([]);
});

test('the window is the setting\'s, within what SQS can delay; messages that are not inquiries are refused', () => {
  expect(inquiryDelaySeconds({ inquiry_window_minutes: 11 })).toBe(660);
  expect(inquiryDelaySeconds({ inquiry_window_minutes: 60 })).toBe(900);
  expect(inquiryDelaySeconds({})).toBe(900);
  expect(parseInquiryMessage(JSON.stringify(firstInquiry('s', 'r', {})))).toEqual({ session_id: 's', reference: 'r', try: 1, delay_seconds: 900 });
  expect(parseInquiryMessage(JSON.stringify(notificationInquiry('s', 'r')))).toEqual({ session_id: 's', reference: 'r', try: 1, delay_seconds: 0, trigger: 'notification' });
  expect(parseInquiryMessage(JSON.stringify({ ...notificationInquiry('s', 'r'), request_id: 'req-1' }))).toEqual({ session_id: 's', reference: 'r', try: 1, delay_seconds: 0, trigger: 'notification', request_id: 'req-1' });
  const refused = [
    { session_id: 's', reference: 'r', try: 0, delay_seconds: 60 },
    { session_id: 's', reference: 'r', try: 1, delay_seconds: 901 },
    // Only a notification's sync is asked at once; no other trigger exists.
    { session_id: 's', reference: 'r', try: 1, delay_seconds: 0 },
    { session_id: 's', reference: 'r', try: 1, delay_seconds: 60, trigger: 'return' },
    { session_id: 's', reference: 'r', try: 1, delay_seconds: 60, request_id: '' },
    { session_id: 's', reference: 'r', try: 1, delay_seconds: 60, request_id: 42 },
  ];
  for (const body of ['', 'null', '{}', ...refused.map((message) => JSON.stringify(message))]) {
    expect(parseInquiryMessage(body)).toBeUndefined();
  }
});

test("a notification's sync is one try: still pending, it schedules the tries again from the first, with the gateway's window (the payment's may be spent), and nothing alarms; settled, nothing follows", async () => {
  const { ports, session, asked, scheduled } = await setup(() => ({ status: 'pending' }) as never);
  const warnings: string[] = [];
  const log = { ...ports.log, warn: (message: string) => void warnings.push(message) };
  const window = inquiryDelaySeconds((await ports.config.load()).gateways[0]!);
  const outcome = await autoInquire({ ...ports, log }, notificationInquiry(session.session_id, 'REF-1'));
  expect(outcome).toEqual({ kind: 'again', next: { session_id: session.session_id, reference: 'REF-1', try: 1, delay_seconds: window } });
  expect(asked).toEqual(['REF-1']);
  expect(scheduled).toEqual([{ session_id: session.session_id, reference: 'REF-1', try: 1, delay_seconds: window }]);
  expect(warnings).toEqual([]);
  // A notification about an attempt not recorded (or settled) schedules nothing.
  expect((await autoInquire({ ...ports, log }, notificationInquiry(session.session_id, 'NOT-OURS'))).kind).toBe('unchanged');
  expect(scheduled).toHaveLength(1);
});

describe('what each try decides from (mutation survivors of auto-inquire.ts)', () => {
  /** A session with two attempts at two gateways, the second (ours) at a gateway with its own 5-minute window. */
  async function twoAttempts(ours: PaymentAttempt['result']) {
    const { ports, scheduled, asked } = await setup(() => ({ status: 'pending' }) as never);
    const config = await ports.config.load();
    const [first, second] = config.gateways as [GatewaySetting, GatewaySetting];
    const windowed = { ...config, gateways: [first, { ...second, inquiry_window_minutes: 5 }, ...config.gateways.slice(2)] };
    const attempts: PaymentAttempt[] = [
      { reference_number: 'REF-A', pg_code: first.code, result: 'failed', card_brand: 'card', card_last4: '', attempted_at: '2026-11-25T09:00:00.000Z' },
      { reference_number: 'REF-B', pg_code: second.code, result: ours, card_brand: 'card', card_last4: '', attempted_at: '2026-11-25T10:00:00.000Z' },
    ];
    const session = sampleSession({ pg_codes: [first.code, second.code], state: ours === 'success' ? 'paid' : 'pending', attempts, reference_number: 'REF-B' });
    await ports.sessions.create(session, []);
    // The store with this configuration (its other methods inherited from the test's own store).
    const store: typeof ports.config = Object.assign(Object.create(ports.config), { load: async () => windowed });
    return { ports: { ...ports, config: store }, session, scheduled, asked };
  }

  test("a notification's tries are scheduled with the window of the gateway of the attempt it names, not another attempt's", async () => {
    const { ports, session, scheduled } = await twoAttempts('pending');
    expect(await autoInquire(ports, notificationInquiry(session.session_id, 'REF-B'))).toMatchObject({ kind: 'again', next: { reference: 'REF-B', try: 1, delay_seconds: 300 } });
    expect(scheduled.map((next) => next.delay_seconds)).toEqual([300]);
  });

  test('a notification about an attempt settled already schedules nothing; nor does a try about a settled attempt beside another', async () => {
    const { ports, session, scheduled, asked } = await twoAttempts('success');
    expect((await autoInquire(ports, notificationInquiry(session.session_id, 'REF-B'))).kind).toBe('unchanged');
    expect((await autoInquire(ports, firstInquiry(session.session_id, 'REF-B', { inquiry_window_minutes: 5 }))).kind).toBe('unchanged');
    expect(scheduled).toEqual([]);
    expect(asked).toEqual([]);
  });

  test('a failure of ours while syncing is thrown (SQS delivers the try again), not taken for a session that is gone', async () => {
    const { ports, session } = await setup(() => {
      throw new Error('the gateway client failed');
    });
    await expect(autoInquire(ports, firstInquiry(session.session_id, 'REF-1', {}))).rejects.toThrow('the gateway client failed');
  });

  test('the alarm after the last try names the session, the attempt and the tries', async () => {
    const { ports, session } = await setup(() => ({ status: 'pending' }) as never);
    const errors: unknown[] = [];
    const log = { ...ports.log, warn: (_message: string, error?: unknown) => void errors.push(error) };
    expect((await autoInquire({ ...ports, log }, { ...firstInquiry(session.session_id, 'REF-1', {}), try: INQUIRY_TRIES })).kind).toBe('gave_up');
    expect(String((errors[0] as Error).message)).toBe(`session ${session.session_id} attempt REF-1 still pending after ${INQUIRY_TRIES} tries: check it at the gateway`);
  });
});

test("the worker runs a sync for the API request that asked for it: its paid event and its next try name that request; a message naming none is still a sync", async () => {
  const { wire } = await import('../../functions/handlers/queue/auto-inquiry');
  const { runWithRequestId, stampInquiry } = await import('../../functions/adapters/request-context');
  const { MemoryEventQueue } = await import('../../functions/adapters/embedded/memory-event-queue');
  const record = (message: InquiryMessage) => ({ body: JSON.stringify(message), messageId: 'm-1', receiptHandle: 'r-1', attributes: { ApproximateReceiveCount: '1' } }) as never;
  const queue = new MemoryEventQueue();

  // Scheduled inside a request, a try carries its id; a next try keeps the first's.
  const first = runWithRequestId('req-pay', () => stampInquiry(firstInquiry('s', 'REF-1', {})));
  expect(first.request_id).toBe('req-pay');
  expect(runWithRequestId('req-other', () => stampInquiry(first)).request_id).toBe('req-pay');
  expect(stampInquiry(firstInquiry('s', 'REF-1', {})).request_id).toBeUndefined();

  const pending = await setup(() => ({ status: 'pending' }) as never);
  await wire({ ...pending.ports, queue })({ Records: [record({ ...firstInquiry(pending.session.session_id, 'REF-1', {}), request_id: 'req-pay' })] }, {} as never);
  expect(pending.scheduled.map((next) => [next.try, next.request_id])).toEqual([[2, 'req-pay']]);

  const paid = await setup(() => ({ status: 'paid', order: { id: 'REF-1', amount: pending.session.amount, currency: pending.session.currency_code }, card: { brand: 'visa', last4: '4242' }, pg_params: {}, gateway_response: {} }) as never);
  await wire({ ...paid.ports, queue })({ Records: [record({ ...notificationInquiry(paid.session.session_id, 'REF-1'), request_id: 'req-notify' })] }, {} as never);
  const events = paid.ports.sessions.outbox.filter((event) => event.session_id === paid.session.session_id && event.type === 'paid');
  expect(events.map((event) => event.request_id)).toEqual(['req-notify']);

  // A message from before the field (or scheduled outside a request) still runs its try.
  const bare = await setup(() => ({ status: 'pending' }) as never);
  await wire({ ...bare.ports, queue })({ Records: [record(firstInquiry(bare.session.session_id, 'REF-1', {}))] }, {} as never);
  expect(bare.asked).toEqual(['REF-1']);
  expect(bare.scheduled.map((next) => [next.try, next.request_id])).toEqual([[2, undefined]]);
});
