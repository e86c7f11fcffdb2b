import { ManualClock } from '../../functions/adapters/system-clock';
import { startLocal } from '../../functions/local/local-runtime';
import { DEMO_ENV, seedBody, startTestApi, type TestApi } from '../fixtures/local-api';

const T0 = new Date('2026-11-25T10:30:00.000Z');
const txn = (id = '') => `/b/checkout/v1/pymt-txn/${id}`;

/** Waits (in real time) until `check` holds; fails with its last value otherwise. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    value = await read();
  }
  expect(check(value)).toBe(true);
  return value;
}

describe('on a manual clock, with the sweep every 20 ms', () => {
  let api: TestApi;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(T0);
    api = await startTestApi({ clock, env: { ...DEMO_ENV, CHECKOUT_EXPIRY_INTERVAL_MS: '20' } });
  });
  afterEach(() => api.close());

  const get = (id: string) => api.request('GET', txn(id), { auth: 'none' });

  test('a session created with expiration_time 00:00:05 is expired by the sweep, with its event, and a late PATCH gets 409', async () => {
    const created = await api.request('POST', txn(), { body: { ...seedBody(), expiration_time: '00:00:05' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ state: 'created', expiration_time: '00:00:05', expires_at: '2026-11-25T10:30:05.000Z' });
    const id: string = created.json.session_id;

    clock.advance(4_999);
    await api.schedules.runNow('ExpireSessions');
    expect((await get(id)).json.state).toBe('created');

    clock.advance(1);
    const expired = await eventually(() => get(id), (r) => r.json.state === 'expired');
    expect(expired.json).toMatchObject({ expiration_time: '00:00:05', expires_at: '2026-11-25T10:30:05.000Z' });
    const events = api.ports.sessions.outbox.filter((e) => e.session_id === id);
    expect(events.map((e) => e.type)).toEqual(['created', 'expired']);
    expect(events[1]).toMatchObject({ state: 'expired', version: 2, occurred_at: '2026-11-25T10:30:05.000Z' });

    const patch = await api.request('PATCH', txn(id), { body: { customer_first_name: 'Late' } });
    expect(patch.status).toBe(409);
    expect(patch.json).toEqual({ detail: 'The payment transaction can no longer be changed: it is expired.' });
    expect((await api.request('PUT', txn(id), { body: seedBody() })).status).toBe(409);
    expect((await get(id)).json.customer_first_name).toBe('');
  });

  test('expires_at: creation + expiration_time in either format; zero, negative and malformed are refused', async () => {
    const plain = await api.request('POST', txn(), { body: seedBody() });
    expect(plain.json).toMatchObject({ expiration_time: '01:00:00', expires_at: '2026-11-25T11:30:00.000Z' });
    const days = await api.request('POST', txn(), { body: { ...seedBody(), expiration_time: '1 02:00:30' } });
    expect(days.json).toMatchObject({ expiration_time: '1 02:00:30', expires_at: '2026-11-26T12:30:30.000Z' });
    for (const expiration_time of ['00:00:00', '0 00:00:00']) {
      const refused = await api.request('POST', txn(), { body: { ...seedBody(), expiration_time } });
      expect(refused.status).toBe(400);
      expect(refused.json).toEqual({ expiration_time: ['Ensure this value is greater than 00:00:00.'] });
    }
    for (const expiration_time of ['-00:00:05', '1:00', 'soon']) {
      const refused = await api.request('POST', txn(), { body: { ...seedBody(), expiration_time } });
      expect(refused.status).toBe(400);
      expect(refused.json).toEqual({ expiration_time: ['Duration has wrong format. Use one of these formats instead: HH:MM:SS, D HH:MM:SS.'] });
    }
    expect(api.ports.sessions.outbox).toHaveLength(2);
  });

  test('PATCH of expiration_time restarts the clock from the PATCH, other PATCHes keep it, PUT restarts it', async () => {
    const created = await api.request('POST', txn(), { body: { ...seedBody(), expiration_time: '00:10:00' } });
    const id: string = created.json.session_id;
    clock.advance(60_000);
    const renamed = await api.request('PATCH', txn(id), { body: { customer_first_name: 'Ada' } });
    expect(renamed.json.expires_at).toBe('2026-11-25T10:40:00.000Z');
    const extended = await api.request('PATCH', txn(id), { body: { expiration_time: '00:00:30' } });
    expect(extended.json).toMatchObject({ expiration_time: '00:00:30', expires_at: '2026-11-25T10:31:30.000Z' });
    clock.advance(60_000);
    const replaced = await api.request('PUT', txn(id), { body: seedBody() });
    expect(replaced.status).toBe(409); // 10:32 is past 10:31:30
  });

  test('a PATCH that extends the expiry in time saves the session from the sweep', async () => {
    const created = await api.request('POST', txn(), { body: { ...seedBody(), expiration_time: '00:00:05' } });
    const id: string = created.json.session_id;
    clock.advance(4_000);
    expect((await api.request('PATCH', txn(id), { body: { expiration_time: '00:05:00' } })).json.expires_at).toBe('2026-11-25T10:35:04.000Z');
    clock.advance(60_000);
    await api.schedules.runNow('ExpireSessions');
    expect((await get(id)).json.state).toBe('created');
    clock.advance(4 * 60_000);
    await eventually(() => get(id), (r) => r.json.state === 'expired');
  });

  test('with "expire payment transactions" off nothing is swept, but a session past its time is still never changeable', async () => {
    const config = await api.ports.config.load();
    api.ports.config.replace({ ...config, expire_transactions: false });
    const created = await api.request('POST', txn(), { body: { ...seedBody(), expiration_time: '00:00:05' } });
    const id: string = created.json.session_id;
    clock.advance(10 * 60_000);
    await api.schedules.runNow('ExpireSessions');
    expect((await get(id)).json.state).toBe('created');

    const patch = await api.request('PATCH', txn(id), { body: { customer_first_name: 'Late' } });
    expect(patch.status).toBe(409);
    // Found past its time, it was marked expired there and then, with its event.
    expect((await get(id)).json.state).toBe('expired');
    expect(api.ports.sessions.outbox.filter((e) => e.session_id === id).map((e) => e.type)).toEqual(['created', 'expired']);
  });
});

test('on the real clock a one-second session is expired by the embedded timer', async () => {
  const api = await startTestApi({ env: { ...DEMO_ENV, CHECKOUT_EXPIRY_INTERVAL_MS: '100' } });
  try {
    const created = await api.request('POST', txn(), { body: { ...seedBody(), expiration_time: '00:00:01' } });
    const id: string = created.json.session_id;
    await eventually(() => api.request('GET', txn(id), { auth: 'none' }), (r) => r.json.state === 'expired', 10_000);
  } finally {
    await api.close();
  }
});

test('a bad CHECKOUT_EXPIRY_INTERVAL_MS stops the runtime at start', async () => {
  await expect(startLocal({ port: 0, env: { ...DEMO_ENV, CHECKOUT_EXPIRY_INTERVAL_MS: 'soon' } })).rejects.toThrow(/CHECKOUT_EXPIRY_INTERVAL_MS/);
});
