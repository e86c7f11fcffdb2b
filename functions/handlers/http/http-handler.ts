import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { logger } from '../../runtime/logger';
import { errorResponse, type ErrorRendering } from './error-response';
import type { HttpEvent, HttpResult } from './http-event';
import { idempotency } from './idempotency';
import { parseBody } from './parse-body';
import { requireAuth } from './require-auth';
import { trailingSlash } from './trailing-slash';

export interface HttpHandlerOptions {
  /** Route needs `Authorization` (Api-Key or Basic). */
  auth: boolean;
  /** How errors are shown: Ottu's JSON (API routes, the default) or an HTML page (the customer's pages). */
  errors?: ErrorRendering;
}

export type HttpFunction = (event: HttpEvent) => Promise<HttpResult>;
export type LambdaHttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResult>;

/**
 * The one middleware stack of every HTTP route. Order matters: errors are mapped last (so every
 * middleware's failure gets Ottu's shape), the body is parsed before the caller is known, and
 * idempotency sits innermost so it records the final answer.
 */
export function httpHandler(fn: HttpFunction, options: HttpHandlerOptions): LambdaHttpHandler {
  const stack = middy<HttpEvent, HttpResult>(fn)
    // Never log the event, whatever POWERTOOLS_LOGGER_LOG_EVENT says: bodies carry API keys,
    // passwords and, on the payment form, card numbers.
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    // Set directly: a correlationIdPath would pull a JMESPath engine into every bundle.
    .use({ before: ({ event }) => logger.setCorrelationId(event.requestContext.requestId) })
    .use({
      after: ({ response }) => logger.debug('responded', { statusCode: response?.statusCode }),
      onError: (request) => {
        request.response = errorResponse(request.error, options.errors);
        logger.debug('responded', { statusCode: request.response.statusCode });
      },
    })
    .use(trailingSlash())
    .use(httpHeaderNormalizer())
    .use(parseBody());
  if (options.auth) stack.use(requireAuth()).use(idempotency());
  return stack as unknown as LambdaHttpHandler;
}
