import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { TRAILING_SLASH_PARAM } from '../../config/trailing-slash';

/** The generic card icon the demo gateways name (`/static/pg-icons/card.svg`), drawn inline. */
const CARD_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 26" width="40" height="26" role="img" aria-label="Card">
<rect x="0.5" y="0.5" width="39" height="25" rx="4" fill="#1a56db"/>
<rect x="0.5" y="5" width="39" height="4.5" fill="#0f3a99"/>
<rect x="5" y="13" width="7" height="5" rx="1" fill="#f5c451"/>
<rect x="22" y="17" width="13" height="2.5" rx="1.25" fill="#c7d7fe"/>
</svg>
`;

/**
 * No middleware stack: the icon needs neither a body parser nor an error mapper, and without
 * them the function bundles to a few kilobytes and starts in a few milliseconds.
 */
export async function handler(event?: Pick<APIGatewayProxyEventV2, 'pathParameters'> & { requestContext?: { requestId?: string } }): Promise<APIGatewayProxyResultV2> {
  const requestId = event?.requestContext?.requestId;
  const idHeader: Record<string, string> = requestId ? { 'x-request-id': requestId } : {};
  // Reached through the trailing-slash sibling route with more segments: not this file.
  if (event?.pathParameters?.[TRAILING_SLASH_PARAM]) return { statusCode: 404, headers: { 'content-type': 'text/plain', ...idHeader }, body: 'Not found.' };
  return {
    statusCode: 200,
    headers: {
      'content-type': 'image/svg+xml',
      // It never changes, unlike the pages: let browsers and CloudFront keep it for a day.
      'cache-control': 'public, max-age=86400',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
      ...idHeader,
    },
    body: CARD_SVG,
  };
}

export const wire = () => handler;
export const build = wire;
