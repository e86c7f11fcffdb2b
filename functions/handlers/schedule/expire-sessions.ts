import type { Context, ScheduledEvent } from 'aws-lambda';
import { dynamoConfigReader } from '../../adapters/aws/dynamo-config-store';
import { dynamoExpiryIndex } from '../../adapters/aws/dynamo-expiry-index';
import { dynamoSessions } from '../../adapters/aws/dynamo-session-repository';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { expireDueSessions, type ExpireDuePorts, type SweepReport } from '../../app/expire-due-sessions';
import { lambdaEntry } from '../lambda-entry';
import { logger } from '../logger';
import { withLogContext } from '../with-log-context';

export type ExpirySummary = Omit<SweepReport, 'errors'>;

/** The EventBridge rule's target (every minute): one bounded sweep of due sessions. */
async function expireSessions(ports: ExpireDuePorts, context: Context): Promise<ExpirySummary> {
  const { errors, ...summary } = await expireDueSessions(ports, { remainingMs: () => context.getRemainingTimeInMillis() });
  for (const { where, error } of errors) logger.error('Expiry failed', { where, error });
  logger.info('Expiry sweep', { ...summary });
  // Failing the invocation is what raises the errors alarm; the next run sweeps those buckets again.
  if (summary.failed > 0) throw new Error(`${summary.failed} expiries failed; their buckets are swept again next run`);
  return summary;
}

export function wire(ports: ExpireDuePorts) {
  return withLogContext((_event: ScheduledEvent, context: Context) => expireSessions(ports, context));
}

export const build = () => wire({ sessions: dynamoSessions(), config: dynamoConfigReader(), expiry: dynamoExpiryIndex(), clock: systemClock, ids: randomIds });
export const handler = lambdaEntry(build);
