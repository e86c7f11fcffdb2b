import { requestOrigin } from '../../functions/handlers/http/require-auth';
import type { HttpEvent } from '../../functions/handlers/http/http-event';

/** What a refusal and an audit entry record of where a request came from. */
test("the address API Gateway saw, or 'unknown' when it gave none (a direct invocation); always the request id", () => {
  const event = (http?: { sourceIp: string }) => ({ requestContext: { requestId: 'req-1', http } }) as unknown as HttpEvent;
  expect(requestOrigin(event({ sourceIp: '203.0.113.7' }))).toEqual({ address: '203.0.113.7', requestId: 'req-1' });
  expect(requestOrigin(event())).toEqual({ address: 'unknown', requestId: 'req-1' });
});
