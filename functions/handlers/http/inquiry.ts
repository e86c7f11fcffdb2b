import { dynamoConfigWithWebhookKey } from '../../adapters/aws/dynamo-config-store';
import { dynamoIdempotency } from '../../adapters/aws/dynamo-idempotency-store';
import { awsPaymentGateways } from '../../adapters/aws/gateway-secrets';
import { dynamoCardKeeper } from '../../adapters/aws/dynamo-saved-cards';
import { dynamoAuditedChargingSessions } from '../../adapters/aws/dynamo-session-repository';
import type { Log } from '../../ports';
import { logger } from '../logger';
import { sqsPublisher } from '../../adapters/aws/sqs-event-queue';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { inquireSession, type InquireSessionPorts } from '../../app/inquire-session';
import { inquirySchema } from '../../domain/operation-schema';
import { parseOrRefuse } from '../../domain/field-errors';
import { lambdaEntry } from '../lambda-entry';
import { json } from './http-event';
import { authenticated } from './authenticated';
import { httpHandler } from './http-handler';
import type { IdempotencyPorts } from './idempotency';
import { requestOrigin, type AuthPorts } from './require-auth';
import { dynamoAuthAttempts } from '../../adapters/aws/dynamo-auth-attempts';
import { meteredGateways } from '../metrics';

/** POST /b/pbl/v2/inquiry/ (Ottu's payment status query). */
export function wire(ports: InquireSessionPorts & IdempotencyPorts & AuthPorts) {
  return httpHandler(
    async (event) => {
      const body = parseOrRefuse(inquirySchema, event.body);
      return json(200, await inquireSession(ports, { sessionId: body.session_id, orderNo: body.order_no, notifyWebhookUrl: body.notify_webhook_url, webhookUrl: body.webhook_url, origin: requestOrigin(event) }));
    },
    authenticated(ports),
  );
}

export const build = () =>
  wire({
    // A stale operation it resolves commits with its audit entry; a charge it syncs, with its agreement's cycles.
    sessions: dynamoAuditedChargingSessions(),
    config: dynamoConfigWithWebhookKey(),
    gateways: meteredGateways(awsPaymentGateways()),
    savedCards: dynamoCardKeeper(),
    log: logger as Log,
    idempotency: dynamoIdempotency(),
    // notify_webhook_url: the webhook worker delivers it, with its retries.
    queue: sqsPublisher(['webhook']),
    attempts: dynamoAuthAttempts(),
    ids: randomIds,
    clock: systemClock,
  });
export const handler = lambdaEntry(build);
