import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { gunzipSync } from 'node:zlib';
import { TRAILING_SLASH_PARAM } from '../../config/trailing-slash';

export type StaticEvent = Pick<APIGatewayProxyEventV2, 'headers' | 'requestContext' | 'pathParameters'>;
type Answer = { statusCode: number; headers: Record<string, string>; body: string };

/**
 * A handler for a fixed document, without the middleware stack (no body to parse, no caller to
 * authenticate, no error to map): it bundles to a few kilobytes and starts in a few
 * milliseconds. The trailing-slash sibling route with more segments is not the document (404),
 * and every answer names API Gateway's request id, as the other routes' do.
 */
export function staticAnswer(answer: (event: StaticEvent) => Answer): (event: StaticEvent) => Promise<APIGatewayProxyResultV2> {
  return async (event) => {
    const requestId = { 'x-request-id': event.requestContext.requestId };
    if (event.pathParameters?.[TRAILING_SLASH_PARAM]) return { statusCode: 404, headers: { 'content-type': 'application/json', ...requestId }, body: '{"detail":"Not found."}' };
    const { statusCode, headers, body } = answer(event);
    return { statusCode, headers: { 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff', ...headers, ...requestId }, body };
  };
}

/** A gzipped, base64 text from openapi.generated.ts, unpacked on first use. */
export function unpacked(base64: string): () => string {
  let text: string | undefined;
  return () => (text ??= gunzipSync(Buffer.from(base64, 'base64')).toString('utf8'));
}
