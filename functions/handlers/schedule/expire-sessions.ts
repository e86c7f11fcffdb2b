import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { expireDueSessions, type SweepReport } from '../../app/expire-due-sessions';
import { getPorts } from '../../runtime/ports';
import { logger } from '../../runtime/logger';

export type ExpirySummary = Omit<SweepReport, 'errors'>;

/** The EventBridge rule's target (every minute): one bounded sweep of due sessions. */
export async function expireSessions(_event: ScheduledEvent, context: Context): Promise<ExpirySummary> {
  const { errors, ...summary } = await expireDueSessions(getPorts(), { remainingMs: () => context.getRemainingTimeInMillis() });
  for (const { where, error } of errors) logger.error('Expiry failed', { where, error });
  logger.info('Expiry sweep', { ...summary });
  // Failing the invocation is what raises the errors alarm; the next run sweeps those buckets again.
  if (summary.failed > 0) throw new Error(`${summary.failed} expiries failed; their buckets are swept again next run`);
  return summary;
}

export const handler = middy(expireSessions).use(injectLambdaContext(logger));
