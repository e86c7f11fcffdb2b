/**
 * HTTP APIs refuse route paths ending in "/" and do not route `/path/` to the route `/path`, so
 * the CDK app gives every route a sibling `<path>/{proxy+}` route to the same Lambda. The HTTP
 * middleware treats a non-empty `proxy` (extra segments) as 404 and an empty one as the route.
 * Its own module, so the handlers with no middleware (icon, OpenAPI) do not bundle the route table.
 */
export const TRAILING_SLASH_PARAM = 'proxy';
