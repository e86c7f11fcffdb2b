import { awsPaymentGateways } from '../../adapters/aws/gateway-secrets';
import { dynamoConfigReader } from '../../adapters/aws/dynamo-config-store';
import { dynamoSessions } from '../../adapters/aws/dynamo-session-repository';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { returnFromGateway } from '../../app/gateway-triggers';
import type { SyncAttemptPorts } from '../../app/sync-attempt';
import { successRedirect } from '../../domain/checkout';
import type { Log } from '../../ports';
import { lambdaEntry } from '../lambda-entry';
import { logger } from '../logger';
import { redirect } from './http-event';
import { httpHandler } from './http-handler';
import { meteredGateways } from '../metrics';

/**
 * Where a hosted gateway sends the customer back (`?attempt=` ours, MPGS adds `resultIndicator`).
 * The return only triggers a sync: the gateway's server answer decides, and the customer goes on
 * (303) to the merchant's redirect_url once paid, else to the page, which shows the outcome.
 */
export function wire(ports: SyncAttemptPorts) {
  return httpHandler(
    async (event) => {
      const sessionId = event.pathParameters?.session_id ?? '';
      const query = event.queryStringParameters ?? {};
      const { session } = await returnFromGateway(ports, { sessionId, reference: query.attempt, query });
      const page = `${event.baseUrl}/checkout/${session.session_id}`;
      const settled = session.state === 'paid' || session.state === 'authorized';
      return redirect(303, (settled && successRedirect(session)) || page);
    },
    { errors: 'html' },
  );
}

export const build = () => wire({ sessions: dynamoSessions(), config: dynamoConfigReader(), clock: systemClock, ids: randomIds, log: logger as Log, gateways: meteredGateways(awsPaymentGateways()) });
export const handler = lambdaEntry(build);
