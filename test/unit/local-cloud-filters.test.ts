import { matches, matchesAny } from '../../functions/local/cloud/filter-pattern';
import { routesOf } from '../../functions/local/cloud/http-api';
import type { CfnTemplate } from '../../functions/local/cloud/assembly';

/** The local cloud applies whatever filter the template has, with Lambda's event-filtering rules. */
describe('event filter patterns', () => {
  const record = { eventName: 'INSERT', dynamodb: { Keys: { pk: { S: 'SESSION#1' }, sk: { S: 'EVENT#2026#x' } }, NewImage: { amount: { N: '14' } } } };

  test('the stream filter the stack synthesizes today', () => {
    const pattern = { eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix: 'EVENT#' }] } } } };
    expect(matches(pattern, record)).toBe(true);
    expect(matches(pattern, { ...record, eventName: 'MODIFY' })).toBe(false);
    expect(matches(pattern, { ...record, dynamodb: { Keys: { sk: { S: 'SESSION' } } } })).toBe(false);
  });

  test('other operators a changed filter may use', () => {
    expect(matches({ eventName: [{ 'anything-but': ['REMOVE'] }] }, record)).toBe(true);
    expect(matches({ eventName: [{ 'anything-but': 'INSERT' }] }, record)).toBe(false);
    expect(matches({ dynamodb: { NewImage: { amount: { N: [{ exists: true }] } } } }, record)).toBe(true);
    expect(matches({ dynamodb: { OldImage: [{ exists: false }] } }, record)).toBe(true);
    expect(matches({ dynamodb: { Keys: { sk: { S: [{ suffix: '#x' }] } } } }, record)).toBe(true);
    expect(matches({ $or: [{ eventName: ['MODIFY'] }, { eventName: ['INSERT'] }] }, record)).toBe(true);
    expect(matches({ count: [{ numeric: ['>', 1, '<=', 5] }] }, { count: 5 })).toBe(true);
    expect(matches({ count: [{ numeric: ['>', 5] }] }, { count: 5 })).toBe(false);
    expect(matchesAny([], record)).toBe(true);
    expect(matchesAny([{ eventName: ['MODIFY'] }, { eventName: ['INSERT'] }], record)).toBe(true);
  });
});

describe('HTTP API routes from the template', () => {
  const template: CfnTemplate = {
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function' },
      Integ: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { IntegrationUri: { 'Fn::GetAtt': ['Fn', 'Arn'] } } },
      Exact: { Type: 'AWS::ApiGatewayV2::Route', Properties: { RouteKey: 'GET /a/{id}', Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'Integ' }]] } } },
      Slash: { Type: 'AWS::ApiGatewayV2::Route', Properties: { RouteKey: 'GET /a/{id}/{proxy+}', Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'Integ' }]] } } },
    },
  };

  test('a route with variables is tried before its greedy sibling, which also takes the empty rest of a trailing slash', () => {
    const routes = routesOf(template);
    expect(routes.map((r) => r.routeKey)).toEqual(['GET /a/{id}', 'GET /a/{id}/{proxy+}']);
    const find = (path: string) => routes.find((r) => r.pattern.test(path));
    expect(find('/a/1')?.routeKey).toBe('GET /a/{id}');
    expect(find('/a/1/')?.routeKey).toBe('GET /a/{id}/{proxy+}');
    expect(find('/a/1/x/y')?.routeKey).toBe('GET /a/{id}/{proxy+}');
    expect(find('/b')).toBeUndefined();
    expect(routes[0]!.functionLogicalId).toBe('Fn');
  });
});
