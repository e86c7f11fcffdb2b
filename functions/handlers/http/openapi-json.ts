import { baseUrlOf } from './base-url';
import { gzipWithPrefix } from './gzip-with-prefix';
import { OPENAPI_JSON_TAIL } from './openapi.generated';
import { negotiated, staticAnswer, unpacked } from './static-answer';

/**
 * GET /openapi.json: the OpenAPI 3.1 document, generated at build time from the route table and
 * the valibot schemas (scripts/build-openapi.ts). No ports and no settings. A client that takes
 * gzip gets it gzipped (about 6 KB instead of 67 KB; API Gateway does not compress) without
 * node:zlib being loaded; any other the text.
 */
export function wire() {
  const tail = unpacked(OPENAPI_JSON_TAIL.deflated, 'raw');
  const headers = { 'content-type': 'application/json', 'access-control-allow-origin': '*' };
  return staticAnswer((event) => {
    // `servers` names the host the caller used (API Gateway passes a custom domain's own) and goes
    // first, so the stored text is spliced, not parsed and written again. Not CHECKOUT_PUBLIC_URL:
    // reading the settings would double this function's cold start.
    const prefix = `{"servers":${JSON.stringify([{ url: baseUrlOf(event) }])},`;
    return negotiated(event, headers, { gzipBase64: () => gzipWithPrefix(prefix, OPENAPI_JSON_TAIL).toString('base64'), text: () => prefix + tail() });
  });
}

export const build = wire;
// Built at load: there is nothing to configure (lambdaEntry would load the settings module for nothing).
export const handler = wire();
