import { smoke } from '../../scripts/smoke';
import { DEMO_ENV, startTestApi, type TestApi } from '../fixtures/local-api';

describe('npm run smoke: the post-deploy check', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  test('creates, retrieves and cancels a session and reads /openapi.json', async () => {
    const result = await smoke(api.url, DEMO_ENV.CHECKOUT_DEMO_API_KEY);
    expect(result.steps.map((s) => [s.step, s.ok, s.status])).toEqual([
      ['payment-methods', true, 200],
      ['create', true, 201],
      ['retrieve', true, 200],
      ['cancel', true, 200],
      ['openapi.json', true, 200],
    ]);
    expect(result.ok).toBe(true);
  });

  test('a wrong key fails the check, with the request id to look up', async () => {
    const result = await smoke(api.url, 'nope.0123456789abcdefghijklmnop');
    expect(result.ok).toBe(false);
    expect(result.steps[0]).toMatchObject({ step: 'payment-methods', ok: false, status: 401, detail: expect.stringMatching(/request id \S+/) });
  });
});
