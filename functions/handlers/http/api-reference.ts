import { API_REFERENCE_CSP, renderApiReference } from '../../views/api-reference';
import { lambdaEntry } from '../lambda-entry';
import { html, json } from './http-event';
import { httpHandler } from './http-handler';
import { openApiDocument } from './openapi-document';

/**
 * GET /openapi.json and GET /docs: the contract, generated from the route table and the valibot
 * schemas (openapi-document.ts), and its HTML reference. No ports: the function needs no AWS
 * access, and the document is built once per container.
 */
export function wire() {
  let document: Record<string, unknown> | undefined;
  let page: string | undefined;
  return httpHandler(async (event) => {
    // The servers entry names the host the caller used (or CHECKOUT_PUBLIC_URL).
    document ??= openApiDocument(event.baseUrl);
    if (event.rawPath.replace(/\/+$/, '').endsWith('/openapi.json')) {
      return json(200, document, { 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=300' });
    }
    page ??= renderApiReference(document);
    return html(200, page, { 'content-security-policy': API_REFERENCE_CSP, 'cache-control': 'public, max-age=300' });
  });
}

export const build = wire;
export const handler = lambdaEntry(build);
