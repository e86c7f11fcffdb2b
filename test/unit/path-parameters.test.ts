import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { wire as wireRetrieve } from '../../functions/handlers/http/retrieve-session';
import { httpHandler } from '../../functions/handlers/http/http-handler';
import { json } from '../../functions/handlers/http/http-event';
import { embeddedPorts } from '../fixtures/embedded-ports';

// API Gateway (HTTP API) hands path parameters over raw: the Lambda's middleware decodes them.
function event(routeKey: string, pathParameters: Record<string, string>): APIGatewayProxyEventV2 {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  return {
    version: '2.0', routeKey, rawPath: path, rawQueryString: '', headers: { host: 'api.example.com' }, pathParameters, isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012', apiId: 'api', domainName: 'api.example.com', domainPrefix: 'api', requestId: 'r1', routeKey,
      stage: '$default', time: '', timeEpoch: 0, http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
    },
  };
}
const context = { functionName: 'test', awsRequestId: 'r1', getRemainingTimeInMillis: () => 1000 } as unknown as Context;

test.each(['%ZZ', '%', '%E2%82', '%ED%A0%80', 'abc%C0%AF'])('a parameter that does not decode (%s) is 404 in the Lambda handler', async (raw) => {
  const handler = wireRetrieve(await embeddedPorts());
  const response = await handler(event('GET /b/checkout/v1/pymt-txn/{session_id}', { session_id: raw }), context);
  expect(response.statusCode).toBe(404);
  expect(JSON.parse(response.body)).toEqual({ detail: 'Not found.' });
});

test('a parameter is decoded once', async () => {
  const seen: unknown[] = [];
  const handler = httpHandler(async (e) => {
    seen.push(e.pathParameters);
    return json(200, {});
  });
  await handler(event('GET /s/{code}', { code: 'a%2520%C3%A9' }), context);
  expect(seen).toEqual([{ code: 'a%20é' }]);
});
