import { baseUrlOf } from './base-url';
import { OPENAPI_JSON_GZIP } from './openapi.generated';
import { staticAnswer, unpacked } from './static-answer';

/**
 * GET /openapi.json: the OpenAPI 3.1 document, generated at build time from the route table and
 * the valibot schemas (scripts/build-openapi.ts). No ports and no settings.
 */
export function wire() {
  const json = unpacked(OPENAPI_JSON_GZIP);
  return staticAnswer((event) => {
    // `servers` names the host the caller used (API Gateway passes a custom domain's own) and goes
    // first, so the stored text is spliced, not parsed and written again. Not CHECKOUT_PUBLIC_URL:
    // reading the settings would double this function's cold start.
    const servers = JSON.stringify([{ url: baseUrlOf(event) }]);
    return { statusCode: 200, headers: { 'content-type': 'application/json', 'access-control-allow-origin': '*' }, body: `{"servers":${servers},${json().slice(1)}` };
  });
}

export const build = wire;
// Built at load: there is nothing to configure (lambdaEntry would load the settings module for nothing).
export const handler = wire();
