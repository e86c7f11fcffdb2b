import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { TRAILING_SLASH_PARAM } from '../../config/routes';
import { baseUrlOf } from './base-url';
import { gunzipSync } from 'node:zlib';
import { API_REFERENCE_CSP, API_REFERENCE_HTML_GZIP, OPENAPI_JSON_GZIP } from './openapi.generated';

type Event = Pick<APIGatewayProxyEventV2, 'rawPath' | 'headers' | 'requestContext' | 'pathParameters'>;

/**
 * GET /openapi.json and GET /docs: the contract and its HTML reference, generated at build time
 * from the route table and the valibot schemas (scripts/build-openapi.ts). Like the icon, no
 * middleware stack and no AWS access: a static answer needs neither a body parser nor an error
 * mapper, so the function bundles small and starts fast.
 */
export function wire() {
  const json = unpacked(OPENAPI_JSON_GZIP);
  const page = unpacked(API_REFERENCE_HTML_GZIP);
  return async (event: Event): Promise<APIGatewayProxyResultV2> => {
    const requestId = { 'x-request-id': event.requestContext.requestId };
    // Reached through the trailing-slash sibling route with more segments: not this document.
    if (event.pathParameters?.[TRAILING_SLASH_PARAM]) return { statusCode: 404, headers: { 'content-type': 'application/json', ...requestId }, body: '{"detail":"Not found."}' };
    const common = { 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff', ...requestId };
    if (event.rawPath.replace(/\/+$/, '').endsWith('/openapi.json')) {
      // `servers` names the host the caller used (API Gateway passes a custom domain's own), and
      // goes first, so the stored text is spliced, not parsed and written again. Not
      // CHECKOUT_PUBLIC_URL: reading the settings would double this function's cold start.
      const servers = JSON.stringify([{ url: baseUrlOf(event) }]);
      return { statusCode: 200, headers: { 'content-type': 'application/json', 'access-control-allow-origin': '*', ...common }, body: `{"servers":${servers},${json().slice(1)}` };
    }
    return { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': API_REFERENCE_CSP, ...common }, body: page() };
  };
}

/** The text, gunzipped on first use (each function serves one of the two). */
function unpacked(base64: string): () => string {
  let text: string | undefined;
  return () => (text ??= gunzipSync(Buffer.from(base64, 'base64')).toString('utf8'));
}

export const build = wire;
// Built at load: there is nothing to configure (lambdaEntry would load the settings module for nothing).
export const handler = wire();
