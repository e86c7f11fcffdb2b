import { awsPaymentGateways } from '../../adapters/aws/gateway-secrets';
import { dynamoConfigReader } from '../../adapters/aws/dynamo-config-store';
import { dynamoCardKeeper } from '../../adapters/aws/dynamo-saved-cards';
import { dynamoChargingSessions } from '../../adapters/aws/dynamo-session-repository';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { notificationFromGateway } from '../../app/gateway-triggers';
import type { SyncAttemptPorts } from '../../app/sync-attempt';
import type { Log } from '../../ports';
import { lambdaEntry } from '../lambda-entry';
import { logger } from '../logger';
import { json } from './http-event';
import { httpHandler } from './http-handler';
import { meteredGateways } from '../metrics';

/**
 * A gateway's notification about an order (MPGS: `order.notificationUrl`, with
 * X-Notification-Secret). A wrong or missing secret is a 401 and changes nothing; a right one
 * triggers a sync (the notification's content is never taken as the truth) and answers 200.
 */
export function wire(ports: SyncAttemptPorts) {
  return httpHandler(async (event) => {
    await notificationFromGateway(ports, {
      pgCode: event.pathParameters?.pg_code ?? '',
      sessionId: event.pathParameters?.session_id ?? '',
      headers: event.headers,
      body: event.body,
    });
    return json(200, { detail: 'Received.' });
  });
}

export const build = () => wire({ sessions: dynamoChargingSessions(), config: dynamoConfigReader(), clock: systemClock, ids: randomIds, log: logger as Log, gateways: meteredGateways(awsPaymentGateways()), savedCards: dynamoCardKeeper() });
export const handler = lambdaEntry(build);
