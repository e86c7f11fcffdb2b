import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { TRAILING_SLASH_PARAM } from '../../config/trailing-slash';

export type StaticEvent = Pick<APIGatewayProxyEventV2, 'headers' | 'requestContext' | 'pathParameters'>;
type Answer = { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded?: boolean };

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
    const { headers, ...rest } = answer(event);
    return { ...rest, headers: { 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff', ...headers, ...requestId } };
  };
}

/**
 * A compressed, base64 text from openapi.generated.ts (gzip, or a raw deflate stream), unpacked on
 * first use. node:zlib is loaded then too (3–4 ms), not at every cold start: a client that
 * accepts gzip gets the stored bytes.
 */
export function unpacked(base64: string, format: 'gzip' | 'raw' = 'gzip'): () => string {
  let text: string | undefined;
  const unpack = () => {
    const zlib = process.getBuiltinModule('node:zlib');
    return (format === 'gzip' ? zlib.gunzipSync : zlib.inflateRawSync)(Buffer.from(base64, 'base64')).toString('utf8');
  };
  return () => (text ??= unpack());
}

/**
 * A 200 of a stored text in the form the client takes: gzip bytes (base64, as API Gateway wants a
 * binary body) when its Accept-Encoding takes gzip, the text otherwise. Only the one asked for is
 * made; both vary on Accept-Encoding for caches.
 */
export function negotiated(event: StaticEvent, headers: Record<string, string>, forms: { gzipBase64: () => string; text: () => string }): Answer {
  const varying = { ...headers, vary: 'accept-encoding' };
  if (!acceptsGzip(event.headers)) return { statusCode: 200, headers: varying, body: forms.text() };
  return { statusCode: 200, headers: { ...varying, 'content-encoding': 'gzip' }, body: forms.gzipBase64(), isBase64Encoded: true };
}

/**
 * Whether the request's Accept-Encoding takes gzip (browsers and HTTP libraries send it; curl
 * without --compressed does not). `gzip;q=0` refuses it, and so does `*;q=0` without a gzip entry.
 */
export function acceptsGzip(headers: StaticEvent['headers']): boolean {
  const weights = new Map<string, number>();
  for (const part of (headers['accept-encoding'] ?? '').toLowerCase().split(',')) {
    const [coding, ...params] = part.split(';').map((piece) => piece.trim());
    if (!coding) continue;
    const q = params.find((param) => param.startsWith('q='));
    weights.set(coding, q === undefined ? 1 : Number(q.slice(2)));
  }
  const weight = weights.get('gzip') ?? weights.get('x-gzip') ?? weights.get('*') ?? 0;
  return weight > 0;
}
