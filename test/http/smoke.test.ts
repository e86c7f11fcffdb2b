import { startTestApi, seedBody, type TestApi } from '../fixtures/local-api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

test('creates and retrieves the seed example', async () => {
  const created = await api.request('POST', '/b/checkout/v1/pymt-txn/', { body: seedBody() });
  expect(created.status).toBe(201);
  expect(created.json.amount).toBe('14.000');
  const fetched = await api.request('GET', `/b/checkout/v1/pymt-txn/${created.json.session_id}`, { auth: 'none' });
  expect(fetched.status).toBe(200);
  expect(fetched.json).toEqual(created.json);
});
