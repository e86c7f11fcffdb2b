import { describeAws, motoData } from '../fixtures/moto';

describeAws('moto server', () => {
  test('answers its management API (what the suites read SES and SNS sends from)', async () => {
    expect(typeof (await motoData())).toBe('object');
  });
});
