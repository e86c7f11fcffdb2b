import { hashPassword } from '../../functions/domain/credentials';
import { DEMO_ENV, startTestApi, type TestApi } from '../fixtures/local-api';

/**
 * A Basic user may change only sessions of plugins it holds `change` on and gateways it was
 * granted, before and after the change, by PATCH and by PUT; an inactive user is 401; a password
 * changed while the process is warm turns the old password into 401 at once (the verified-
 * credentials cache is keyed on the stored hash too). The demo user holds `payment_request`
 * (add, change, view) and the gateway `sandbox-kwd` only.
 */

const PATH = '/b/checkout/v1/pymt-txn/';
const [USER, PASSWORD] = DEMO_ENV.CHECKOUT_DEMO_BASIC.split(':') as [string, string];
const basic = (password: string) => `Basic ${Buffer.from(`${USER}:${password}`).toString('base64')}`;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const granted = { type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '3', currency_code: 'KWD' };

/** A session made with the API key (which may do anything). */
async function sessionByKey(fields: Record<string, unknown>): Promise<{ session_id: string; version: unknown }> {
  const created = await api.request('POST', PATH, { body: fields });
  expect(created.status).toBe(201);
  return created.json;
}

/** The stored session, read with the API key. */
const stored = async (id: string) => (await api.request('GET', `${PATH}${id}/`)).json;

describe.each(['PATCH', 'PUT'])('%s by a Basic user', (method) => {
  // PUT replaces every writable field, so it sends the whole (granted) session.
  const send = (id: string, changes: Record<string, unknown>) => api.request(method, `${PATH}${id}/`, { body: { ...granted, ...changes }, auth: 'basic' });

  test('is allowed on a granted session with granted gateways (the control case)', async () => {
    const { session_id } = await sessionByKey(granted);
    const answer = await send(session_id, { amount: '4' });
    expect(answer.status).toBe(200);
    expect(answer.json.amount).toBe('4.000');
  });

  test('is 403 adding a gateway the user was never granted, and changes nothing', async () => {
    const { session_id } = await sessionByKey(granted);
    const before = await stored(session_id);
    const answer = await send(session_id, { pg_codes: ['sandbox-authorize'] });
    expect(answer.status).toBe(403);
    expect(answer.json.detail).toBe('You do not have permission to use the payment gateway(s): sandbox-authorize.');
    expect(await stored(session_id)).toEqual(before);
  });

  test('is 403 moving a session into another plugin, and changes nothing', async () => {
    const { session_id } = await sessionByKey(granted);
    const before = await stored(session_id);
    const answer = await send(session_id, { type: 'e_commerce' });
    expect(answer.status).toBe(403);
    expect(answer.json.detail).toBe('You do not have permission to change e_commerce payment transactions.');
    expect(await stored(session_id)).toEqual(before);
  });

  test("is 403 on a session of another plugin, even one that would become the user's own", async () => {
    const { session_id } = await sessionByKey({ ...granted, type: 'e_commerce' });
    const before = await stored(session_id);
    const answer = await send(session_id, { type: 'payment_request' });
    expect(answer.status).toBe(403);
    expect(answer.json.detail).toBe('You do not have permission to change e_commerce payment transactions.');
    expect(await stored(session_id)).toEqual(before);
  });

  test('is 403 on a session offering a gateway the user was never granted, even when replacing it', async () => {
    const { session_id } = await sessionByKey({ ...granted, pg_codes: ['sandbox-authorize'] });
    const before = await stored(session_id);
    const answer = await send(session_id, { pg_codes: ['sandbox-kwd'] });
    expect(answer.status).toBe(403);
    expect(answer.json.detail).toBe('You do not have permission to use the payment gateway(s): sandbox-authorize.');
    expect(await stored(session_id)).toEqual(before);
  });
});

describe('Basic credentials on a warm process', () => {
  const config = () => api.ports.config.load();
  const createAs = (auth: string) => api.request('POST', PATH, { body: granted, auth });
  let original: Awaited<ReturnType<typeof config>>;
  beforeEach(async () => {
    original = await config();
  });
  afterEach(() => api.ports.config.replace(original));

  test('an inactive user is 401 with the right password', async () => {
    expect((await createAs(basic(PASSWORD))).status).toBe(201); // verified once: the cache is warm
    api.ports.config.replace({ ...original, users: original.users.map((user) => ({ ...user, active: false })) });
    const answer = await createAs(basic(PASSWORD));
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ detail: 'User inactive or deleted.' });
  });

  test('a changed password turns the old one into 401 at once, and the new one works', async () => {
    expect((await createAs(basic(PASSWORD))).status).toBe(201); // verified once: the cache is warm
    const password_hash = await hashPassword('a-new-password');
    api.ports.config.replace({ ...original, users: original.users.map((user) => ({ ...user, password_hash })) });
    const old = await createAs(basic(PASSWORD));
    expect(old.status).toBe(401);
    expect(old.json).toEqual({ detail: 'Invalid username/password.' });
    expect((await createAs(basic('a-new-password'))).status).toBe(201);
  });
});
