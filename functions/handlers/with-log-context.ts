import type { Context } from 'aws-lambda';
import { logger } from './logger';

/**
 * A worker's handler with the Lambda context in its log lines: what Powertools' injectLambdaContext
 * middleware does before and after a handler (the Logger's documented manual calls), without middy.
 * The workers need no other middleware, and @middy/core loads node:stream/web and friends at import
 * for response streaming (5–6 ms of a cold start; docs/benchmarks.md). HTTP handlers keep middy.
 */
export function withLogContext<E, R>(handler: (event: E, context: Context) => Promise<R>): (event: E, context: Context) => Promise<R> {
  return async (event, context) => {
    logger.refreshSampleRateCalculation();
    logger.addContext(context);
    logger.logEventIfEnabled(event);
    try {
      return await handler(event, context);
    } finally {
      // The keys one record set (request_id, event_id) must not name the next invocation's lines.
      logger.removeKeys(['request_id', 'event_id']);
      logger.clearBuffer();
    }
  };
}
