import { checkSettings, FaultSwitches } from '../../functions/local/mpgs/faults';
import { parsedBody, recordedHeaders, scrubbed } from '../../functions/local/mpgs/request-log';

describe('fault switches', () => {
  test('a counted failure wears off, and a method filter lets other calls through', () => {
    const faults = new FaultSwitches();
    faults.failNext(2, 'server-busy', { method: 'PUT' });
    expect(faults.takeApiFault('GET')).toEqual({});
    expect(faults.takeApiFault('PUT')).toEqual({ fail: { kind: 'server-busy', applied: false } });
    expect(faults.takeApiFault('PUT')).toEqual({ fail: { kind: 'server-busy', applied: false } });
    expect(faults.takeApiFault('PUT')).toEqual({});
    faults.delayNext(1, 500);
    faults.failNext(1, 'server-failed', { applied: true });
    expect(faults.takeApiFault('POST')).toEqual({ fail: { kind: 'server-failed', applied: true }, delayMs: 500 });
    expect(faults.current()).toEqual({ failNext: null, delayNext: null, browserNeverReturns: false, notifications: 'deliver' });
  });

  test.each([
    [{ failNxt: { count: 1 } }, /unknown fault switch: failNxt/],
    [{ failNext: { count: 1, kind: 'boom' } }, /failNext.kind/],
    [{ failNext: { count: -1, kind: 'server-busy' } }, /failNext.count/],
    [{ delayNext: { count: 1, ms: 1.5 } }, /delayNext.ms/],
    [{ delayNext: { count: 1, ms: 5, method: 'PATCH' } }, /delayNext.method/],
    [{ notifications: 'sometimes' }, /notifications must be/],
    [{ browserNeverReturns: 'yes' }, /browserNeverReturns/],
    [[], /JSON object/],
  ])('%j is refused', (settings, message) => {
    expect(() => checkSettings(settings)).toThrow(message);
  });
});

describe('the request log', () => {
  test('drops Authorization and Cookie, keeps the rest', () => {
    expect(recordedHeaders({ authorization: 'Basic x', cookie: 'a=b', 'content-type': 'application/json', 'x-many': ['1', '2'] })).toEqual({ 'content-type': 'application/json', 'x-many': '1, 2' });
  });

  test('masks card numbers and replaces security codes, in JSON and in forms', () => {
    expect(scrubbed({ sourceOfFunds: { provided: { card: { number: '5123450000000008', securityCode: '100' } } } })).toEqual({
      sourceOfFunds: { provided: { card: { number: '512345xxxxxx0008', securityCode: '[FILTERED]' } } },
    });
    expect(parsedBody('cardNumber=4508+7500+1574+1019&securityCode=101&expiryMonth=01', 'application/x-www-form-urlencoded')).toEqual({
      cardNumber: '450875xxxxxx1019',
      securityCode: '[FILTERED]',
      expiryMonth: '01',
    });
    expect(parsedBody('pan 5123 4500 0000 0008', 'text/plain')).toMatch(/FILTERED/);
    expect(parsedBody('{"order":{"id":"o-1"}}', 'application/x-www-form-urlencoded')).toEqual({ order: { id: 'o-1' } });
  });
});
