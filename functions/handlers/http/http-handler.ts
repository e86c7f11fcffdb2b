import { runWithRequestId } from '../../adapters/request-context';
import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { setting } from '../../config/env';
import { logger } from '../logger';
import { errorResponse, type ErrorRendering } from './error-response';
import { baseUrlOf } from './base-url';
import type { HttpEvent, HttpResult } from './http-event';
import { parseBody } from './parse-body';
import { pathParameters } from './path-parameters';
import { trailingSlash } from './trailing-slash';

export type HttpMiddleware = MiddlewareObj<HttpEvent, HttpResult>;

export interface HttpHandlerOptions {
  /** The route's own middleware, innermost: `authenticated(…)` (authenticated.ts) for a route that needs credentials. */
  middleware?: HttpMiddleware[];
  /** How errors are shown: Ottu's JSON (API routes, the default) or an HTML page (the customer's pages). */
  errors?: ErrorRendering;
}

export type HttpFunction = (event: HttpEvent) => Promise<HttpResult>;
export type LambdaHttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResult>;

/**
 * The one middleware stack of every HTTP route. Order matters: errors are mapped last (so every
 * middleware's failure gets Ottu's shape), the body is parsed before the caller is known, and the
 * route's own middleware (the caller, then idempotency: authenticated.ts) sits innermost.
 */
export function httpHandler(fn: HttpFunction, options: HttpHandlerOptions = {}): LambdaHttpHandler {
  // A custom domain (or the API's own URL, which the stack sets) for links; else the request's host.
  const publicUrl = setting('CHECKOUT_PUBLIC_URL');
  const stack = middy<HttpEvent, HttpResult>(fn)
    // Never log the event, whatever POWERTOOLS_LOGGER_LOG_EVENT says: bodies carry API keys,
    // passwords and, on the payment form, card numbers.
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    // Set directly: a correlationIdPath would pull a JMESPath engine into every bundle.
    .use({
      before: ({ event }) => {
        logger.setCorrelationId(event.requestContext.requestId);
        event.baseUrl = publicUrl ?? baseUrlOf(event);
      },
    })
    .use({
      // Every answer names API Gateway's request id, so a caller can quote it and we can find its logs.
      after: ({ event, response }) => {
        if (response) response.headers = { ...response.headers, 'x-request-id': event.requestContext.requestId };
        logger.debug('responded', { statusCode: response?.statusCode });
      },
      onError: (request) => {
        request.response = errorResponse(request.error, options.errors);
        request.response.headers = { ...request.response.headers, 'x-request-id': request.event.requestContext.requestId };
        logger.debug('responded', { statusCode: request.response.statusCode });
      },
    })
    .use(trailingSlash())
    .use(pathParameters())
    .use(httpHeaderNormalizer())
    .use(parseBody());
  for (const middleware of options.middleware ?? []) stack.use(middleware);
  const handle = stack as unknown as LambdaHttpHandler;
  // The request id goes with everything the request commits (its events, then their deliveries).
  return (event, context) => runWithRequestId(event.requestContext.requestId, () => handle(event, context));
}
