import type { Context, ScheduledEvent } from 'aws-lambda';
import { dynamoConfigReader } from '../../adapters/aws/dynamo-config-store';
import { dynamoExpiryIndex } from '../../adapters/aws/dynamo-expiry-index';
import { dynamoSweptSessions } from '../../adapters/aws/dynamo-session-repository';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { expireDueSessions, type ExpireDuePorts, type SweepReport } from '../../app/expire-due-sessions';
import { lambdaEntry } from '../lambda-entry';
import { logger } from '../logger';
import { withLogContext } from '../with-log-context';

export type ExpirySummary = Omit<SweepReport, 'errors'> & { shard?: number };

/**
 * The schedule's event: each shard's rule target carries `{ "shard": n }` as its input (one
 * invocation per shard, config/workers.ts fanOut); the plain scheduled event (the embedded
 * runtime's timer) sweeps every shard.
 */
type ExpiryEvent = Partial<ScheduledEvent> & { shard?: unknown };

/** Sessions expired at once by one shard's invocation (the whole sweep keeps 5 per shard, 50 in all). */
export const SHARD_CONCURRENCY = 25;

/** The EventBridge rule's target (every minute): one bounded sweep of due sessions, of one shard or all. */
async function expireSessions(ports: ExpireDuePorts, event: ExpiryEvent, context: Context): Promise<ExpirySummary> {
  const shard = event.shard === undefined ? undefined : Number(event.shard);
  const options = { remainingMs: () => context.getRemainingTimeInMillis(), ...(shard === undefined ? {} : { shard, concurrency: SHARD_CONCURRENCY }) };
  const { errors, ...report } = await expireDueSessions(ports, options);
  const summary = shard === undefined ? report : { ...report, shard };
  for (const { where, error } of errors) logger.error('Expiry failed', { where, error });
  logger.info('Expiry sweep', { ...summary });
  // Failing the invocation is what raises the errors alarm; the next run sweeps those buckets again.
  if (summary.failed > 0) throw new Error(`${summary.failed} expiries failed; their buckets are swept again next run`);
  return summary;
}

export function wire(ports: ExpireDuePorts) {
  return withLogContext((event: ExpiryEvent, context: Context) => expireSessions(ports, event, context));
}

export const build = () => wire({ sessions: dynamoSweptSessions(), config: dynamoConfigReader(), expiry: dynamoExpiryIndex(), clock: systemClock, ids: randomIds });
export const handler = lambdaEntry(build);
