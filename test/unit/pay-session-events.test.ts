import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { DynamoSessionRepository } from '../../functions/adapters/aws/dynamo-session-repository';
import { sessionKey } from '../../functions/adapters/aws/table-keys';
import { MemorySessionRepository } from '../../functions/adapters/embedded/memory-session-repository';
import { ManualClock } from '../../functions/adapters/system-clock';
import { openCheckout } from '../../functions/app/open-checkout';
import { paySession } from '../../functions/app/pay-session';
import { EVENTS_ATTRIBUTE } from '../../functions/config/table';
import type { SessionEvent } from '../../functions/domain/events';
import type { Session } from '../../functions/domain/session';
import type { Ports, SessionRepository } from '../../functions/ports';
import { embeddedPorts } from '../../functions/local/embedded-ports';
import { createTestTable, rawItem, storedEvents } from '../fixtures/dynamo-table';
import { describeAws } from '../fixtures/moto';
import { createSession } from '../fixtures/session-requests';
import { DEMO_ENV } from '../fixtures/local-api';
import { demoMerchant } from '../fixtures/embedded-ports';

/**
 * A payment commits its event with the change that makes it: one `paid` (or `authorized`,
 * `attempted`, `failed`) event carrying the state and version of that very write, on the
 * embedded store and on DynamoDB (where the event rides in the session item's write).
 */

const NOW = new Date('2026-11-25T10:00:00Z');
const CARD = { card_number: '4111111111111111', expiry: '12/30', cvv: '123', name_on_card: 'A' };
const DECLINED = { ...CARD, card_number: '4000000000000002' };

async function openSession(ports: Ports, pgCode: string): Promise<Session> {
  const created = await createSession(ports, {
    principal: { kind: 'api_key', id: 'test', name: 'test' },
    body: { type: 'payment_request', pg_codes: [pgCode], amount: '5', currency_code: 'KWD' },
  });
  return (await openCheckout(ports, created.session_id)).session;
}

async function portsWith(sessions?: SessionRepository): Promise<Ports> {
  const { config } = await demoMerchant(DEMO_ENV);
  const ports = embeddedPorts(config, 'key', new ManualClock(NOW));
  return { ...ports, ...(sessions ? { sessions } : {}) } as Ports;
}

const committed = (events: SessionEvent[]) => events.map(({ type, state, version }) => ({ type, state, version }));

function paymentEvents(eventsOf: (ports: Ports, sessionId: string) => Promise<SessionEvent[]>, ports: () => Ports) {
  test.each([
    ['paid', 'sandbox-kwd', CARD, 'paid'],
    ['authorized', 'sandbox-authorize', CARD, 'authorized'],
    ['attempted', 'sandbox-kwd', DECLINED, 'attempted'],
  ])('`%s`: paying through %s commits one event with the write that moves the session', async (type, pgCode, card, state) => {
    const session = await openSession(ports(), pgCode);
    const outcome = await paySession(ports(), { sessionId: session.session_id, form: { pg_code: pgCode, ...card }, baseUrl: 'http://checkout.test' });
    expect(outcome.session).toMatchObject({ state, version: 3 });
    const events = await eventsOf(ports(), session.session_id);
    expect(committed(events)).toEqual([
      { type: 'created', state: 'created', version: 1 },
      { type: 'pending', state: 'pending', version: 2 },
      { type, state, version: 3 },
    ]);
    expect(events[2]).toMatchObject({ session_id: session.session_id, occurred_at: NOW.toISOString() });
    expect(new Set(events.map((event) => event.event_id)).size).toBe(3);
  });

  test('the third declined attempt commits `failed`, not another `attempted`', async () => {
    const session = await openSession(ports(), 'sandbox-kwd');
    for (let i = 0; i < 3; i++) await paySession(ports(), { sessionId: session.session_id, form: { pg_code: 'sandbox-kwd', ...DECLINED }, baseUrl: 'http://checkout.test' });
    const types = (await eventsOf(ports(), session.session_id)).map((event) => event.type);
    expect(types).toEqual(['created', 'pending', 'attempted', 'attempted', 'failed']);
  });
}

describe('embedded store', () => {
  let ports: Ports;
  beforeEach(async () => {
    ports = await portsWith();
  });
  paymentEvents(async (p, id) => (p.sessions as MemorySessionRepository).outbox.filter((event) => event.session_id === id), () => ports);
});

describeAws('DynamoDB on moto', () => {
  let table: Awaited<ReturnType<typeof createTestTable>>;
  let client: DynamoDBDocumentClient;
  let ports: Ports;
  beforeAll(async () => {
    table = await createTestTable('pay-events');
    client = createDocumentClient();
    ports = await portsWith(new DynamoSessionRepository(client, table.name));
  });
  afterAll(async () => {
    await table.drop();
    client.destroy();
  });
  paymentEvents((_p, id) => storedEvents(client, table.name, id), () => ports);

  test('the paid event is in the item written as paid (one write, the stream image carries it)', async () => {
    const session = await openSession(ports, 'sandbox-kwd');
    await paySession(ports, { sessionId: session.session_id, form: { pg_code: 'sandbox-kwd', ...CARD }, baseUrl: 'http://checkout.test' });
    const item = await rawItem(client, table.name, sessionKey(session.session_id));
    expect(item).toMatchObject({ state: 'paid', version: 3 });
    expect(committed(JSON.parse(String(item![EVENTS_ATTRIBUTE])) as SessionEvent[])).toEqual([{ type: 'paid', state: 'paid', version: 3 }]);
  });
});
