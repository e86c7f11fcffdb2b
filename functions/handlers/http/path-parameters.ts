import type { MiddlewareObj } from '@middy/core';
import { NotFoundError } from '../../domain/errors';
import type { HttpEvent, HttpResult } from './http-event';

/**
 * API Gateway (HTTP API) passes path parameters as they were in the URL, percent-escapes and
 * all; the local gateway does the same. They are decoded here, once: a parameter that does not
 * decode (`%ZZ`, a cut UTF-8 sequence, a lone surrogate) names nothing, so it is 404, not 500.
 */
export function pathParameters(): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    before: ({ event }) => {
      const params = event.pathParameters;
      if (!params) return;
      for (const [name, value] of Object.entries(params)) {
        if (value === undefined || !value.includes('%')) continue;
        try {
          params[name] = decodeURIComponent(value);
        } catch {
          throw new NotFoundError('Not found.');
        }
      }
    },
  };
}
