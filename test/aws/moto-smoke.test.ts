import { describeAws, MOTO_ENDPOINT } from '../fixtures/moto';

describeAws('moto server', () => {
  test('answers its management API', async () => {
    const response = await fetch(`${MOTO_ENDPOINT}/moto-api/data.json`);
    expect(response.status).toBe(200);
  });
});
