import type { MiddlewareObj } from '@middy/core';
import { NotFoundError } from '../../domain/errors';
import { TRAILING_SLASH_PARAM } from '../../config/trailing-slash';
import type { HttpEvent, HttpResult } from './http-event';

const SUFFIX = `/{${TRAILING_SLASH_PARAM}+}`;

/**
 * On AWS, `/path/` reaches a route's Lambda through its sibling route `<path>/{proxy+}` (HTTP APIs
 * allow no route key ending in "/"; see lib/stateless-stack.ts). Only the bare trailing slash
 * belongs to the route: extra segments are 404. The event is then made to read as if it came
 * through the route itself, so everything keyed by the route (Idempotency-Key scope) is the same
 * with or without the slash.
 */
export function trailingSlash(): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    before: ({ event }) => {
      if (!event.routeKey.endsWith(SUFFIX)) return;
      if (event.pathParameters?.[TRAILING_SLASH_PARAM]) throw new NotFoundError('Not found.');
      const routeKey = event.routeKey.slice(0, -SUFFIX.length);
      event.routeKey = routeKey;
      event.requestContext.routeKey = routeKey;
      if (event.pathParameters) delete event.pathParameters[TRAILING_SLASH_PARAM];
    },
  };
}
