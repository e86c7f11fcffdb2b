import { MemorySessionRepository } from '../../functions/adapters/embedded/memory-session-repository';
import { ManualClock } from '../../functions/adapters/system-clock';
import { createSession } from '../fixtures/session-requests';
import { openCheckout } from '../../functions/app/open-checkout';
import { paySession } from '../../functions/app/pay-session';
import type { SessionEvent } from '../../functions/domain/events';
import type { Session } from '../../functions/domain/session';
import type { Ports } from '../../functions/ports';
import { embeddedPorts } from '../../functions/local/embedded-ports';
import { DEMO_ENV } from '../fixtures/local-api';
import { demoMerchant } from '../fixtures/embedded-ports';

/** The embedded repository, with a hook that lets another writer in just before the next update. */
class RacingRepository extends MemorySessionRepository {
  beforeNextUpdate?: () => Promise<void>;
  override async update(next: Session, previous: Session, events: SessionEvent[]): Promise<void> {
    const other = this.beforeNextUpdate;
    this.beforeNextUpdate = undefined;
    if (other) await other();
    return super.update(next, previous, events);
  }
}

const GOOD = { pg_code: 'sandbox-kwd', card_number: '4111111111111111', expiry: '12/30', cvv: '123', name_on_card: 'A' };
let ports: Ports & { sessions: RacingRepository };
let session: Session;

beforeEach(async () => {
  const { config } = await demoMerchant(DEMO_ENV);
  ports = { ...embeddedPorts(config, 'key', new ManualClock(new Date('2026-11-25T10:00:00Z'))), sessions: new RacingRepository() };
  session = await createSession(ports, {
    principal: { kind: 'api_key', id: 'test', name: 'test' },
    body: { type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '5', currency_code: 'KWD' },
  });
  session = (await openCheckout(ports, session.session_id)).session;
});

test('a payment that loses the race to another payment shows that one and records nothing', async () => {
  ports.sessions.beforeNextUpdate = async () => {
    expect((await paySession(ports, { sessionId: session.session_id, form: GOOD, baseUrl: 'http://checkout.test' })).kind).toBe('charged');
  };
  const outcome = await paySession(ports, { sessionId: session.session_id, form: GOOD, baseUrl: 'http://checkout.test' });
  expect(outcome).toMatchObject({ kind: 'unchanged', conflict: true, session: { state: 'paid' } });
  const stored = (await ports.sessions.get(session.session_id))!;
  expect(stored.attempts).toHaveLength(1);
  expect(ports.sessions.outbox.map((event) => event.type)).toEqual(['created', 'pending', 'paid']);
});

test('a payment that loses the race to a merchant update leaves the session open for another try', async () => {
  ports.sessions.beforeNextUpdate = async () => {
    const current = (await ports.sessions.get(session.session_id))!;
    await ports.sessions.update({ ...current, amount: '6.000', version: current.version + 1 }, current, []);
  };
  const outcome = await paySession(ports, { sessionId: session.session_id, form: GOOD, baseUrl: 'http://checkout.test' });
  expect(outcome).toMatchObject({ kind: 'unchanged', conflict: true, session: { state: 'pending', amount: '6.000', attempts: [] } });
});

test('opening the page re-reads after a lost race instead of failing', async () => {
  const fresh = await createSession(ports, {
    principal: { kind: 'api_key', id: 'test', name: 'test' },
    body: { type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '5', currency_code: 'KWD' },
  });
  ports.sessions.beforeNextUpdate = async () => {
    await openCheckout(ports, fresh.session_id); // another tab opens it first
  };
  const opened = await openCheckout(ports, fresh.session_id);
  expect(opened.session).toMatchObject({ state: 'pending', version: 2 });
  expect(opened.attemptsLeft).toBe(3);
  expect(ports.sessions.outbox.filter((event) => event.session_id === fresh.session_id).map((event) => event.type)).toEqual(['created', 'pending']);
});

test('the clock decides expiry and card validity', async () => {
  (ports.clock as ManualClock).set(new Date('2031-01-01T00:00:00Z'));
  const outcome = await paySession(ports, { sessionId: session.session_id, form: GOOD, baseUrl: 'http://checkout.test' });
  expect(outcome).toMatchObject({ kind: 'unchanged', session: { state: 'expired' } });
});
