import { API_REFERENCE_CSP, API_REFERENCE_HTML_GZIP } from './openapi.generated';
import { negotiated, staticAnswer, unpacked } from './static-answer';

/**
 * GET /docs: the HTML API reference, rendered at build time from the OpenAPI document
 * (scripts/build-openapi.ts). No ports and no settings: nothing to configure. A browser gets the
 * stored gzip as it is (6 KB on the wire instead of 70; API Gateway does not compress), a client
 * that does not take gzip the text.
 */
export function wire() {
  const page = unpacked(API_REFERENCE_HTML_GZIP);
  const headers = { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': API_REFERENCE_CSP };
  return staticAnswer((event) => negotiated(event, headers, { gzipBase64: () => API_REFERENCE_HTML_GZIP, text: page }));
}

export const build = wire;
// Built at load: there is nothing to configure (lambdaEntry would load the settings module for nothing).
export const handler = wire();
