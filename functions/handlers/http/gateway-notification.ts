import { awsPaymentGateways } from '../../adapters/aws/gateway-secrets';
import { dynamoConfigReader } from '../../adapters/aws/dynamo-config-store';
import { dynamoSessionReader } from '../../adapters/aws/dynamo-session-repository';
import { sqsInquiryScheduler } from '../../adapters/aws/sqs-event-queue';
import { notificationFromGateway, type GatewayNotificationPorts } from '../../app/gateway-triggers';
import { lambdaEntry } from '../lambda-entry';
import { logger } from '../logger';
import { json } from './http-event';
import { httpHandler } from './http-handler';

/**
 * A gateway's notification about an order (MPGS: `order.notificationUrl`, with
 * X-Notification-Secret). A wrong or missing secret is a 401 and changes nothing; a right one
 * queues a sync on the automatic inquiry's queue (the notification's content is never taken as
 * the truth) and answers 200 at once. A failure to queue is a 5xx, so the gateway retries.
 */
export function wire(ports: GatewayNotificationPorts) {
  return httpHandler(async (event) => {
    const pgCode = event.pathParameters?.pg_code ?? '';
    const sessionId = event.pathParameters?.session_id ?? '';
    const outcome = await notificationFromGateway(ports, { pgCode, sessionId, headers: event.headers, body: event.body });
    // What the gateway's notification led to (its sync's outcome is AutoInquiry's line, trigger "notification").
    logger.info('gateway notification', { pg_code: pgCode, session_id: sessionId, outcome });
    return json(200, { detail: 'Received.' });
  });
}

// Reads only: the session, the configuration and the gateway's secret (its notification secret
// is stored with its API password); the sync runs in AutoInquiry, which calls the gateway.
export const build = () => wire({ sessions: dynamoSessionReader(), config: dynamoConfigReader(), gateways: awsPaymentGateways(), inquiries: sqsInquiryScheduler() });
export const handler = lambdaEntry(build);
