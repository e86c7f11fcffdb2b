import { API_REFERENCE_CSP, API_REFERENCE_HTML_GZIP } from './openapi.generated';
import { staticAnswer, unpacked } from './static-answer';

/**
 * GET /docs: the HTML API reference, rendered at build time from the OpenAPI document
 * (scripts/build-openapi.ts). No ports and no settings: nothing to configure.
 */
export function wire() {
  const page = unpacked(API_REFERENCE_HTML_GZIP);
  return staticAnswer(() => ({ statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': API_REFERENCE_CSP }, body: page() }));
}

export const build = wire;
// Built at load: there is nothing to configure (lambdaEntry would load the settings module for nothing).
export const handler = wire();
