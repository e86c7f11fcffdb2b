import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { httpHandler } from '../../functions/handlers/http/http-handler';
import { json, type HttpEvent } from '../../functions/handlers/http/http-event';

// On AWS, `/path/` arrives through the route's sibling `<path>/{proxy+}` (lib/stateless-stack.ts).
const seen: Array<Pick<HttpEvent, 'routeKey' | 'pathParameters'> & { contextRouteKey: string }> = [];
const handler = httpHandler(
  async (event) => {
    seen.push({ routeKey: event.routeKey, pathParameters: event.pathParameters, contextRouteKey: event.requestContext.routeKey });
    return json(200, { ok: true });
  },
);

function event(routeKey: string, pathParameters: Record<string, string>): APIGatewayProxyEventV2 {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'api.example.com' },
    pathParameters,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012', apiId: 'api', domainName: 'api.example.com', domainPrefix: 'api', requestId: 'r1', routeKey,
      stage: '$default', time: '', timeEpoch: 0,
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
    },
  };
}
const context = { functionName: 'test', awsRequestId: 'r1', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:test', memoryLimitInMB: '128', functionVersion: '1', getRemainingTimeInMillis: () => 1000 } as unknown as Context;

beforeEach(() => void (seen.length = 0));

test('the trailing-slash route reads as the route itself', async () => {
  const response = await handler(event('GET /b/checkout/v1/pymt-txn/{session_id}/{proxy+}', { session_id: 'abc', proxy: '' }), context);
  expect(response.statusCode).toBe(200);
  expect(seen).toEqual([{ routeKey: 'GET /b/checkout/v1/pymt-txn/{session_id}', contextRouteKey: 'GET /b/checkout/v1/pymt-txn/{session_id}', pathParameters: { session_id: 'abc' } }]);
});

test('extra path segments after the slash are not found, and the function never runs', async () => {
  const response = await handler(event('GET /b/checkout/v1/pymt-txn/{session_id}/{proxy+}', { session_id: 'abc', proxy: 'x/y' }), context);
  expect(response.statusCode).toBe(404);
  expect(JSON.parse(response.body)).toEqual({ detail: 'Not found.' });
  expect(seen).toEqual([]);
});

test('a request on the route itself is untouched', async () => {
  const response = await handler(event('GET /b/checkout/v1/pymt-txn/{session_id}', { session_id: 'abc' }), context);
  expect(response.statusCode).toBe(200);
  expect(seen[0]).toEqual({ routeKey: 'GET /b/checkout/v1/pymt-txn/{session_id}', contextRouteKey: 'GET /b/checkout/v1/pymt-txn/{session_id}', pathParameters: { session_id: 'abc' } });
});
