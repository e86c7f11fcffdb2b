import { dynamoConfig } from '../../adapters/aws/dynamo-config-store';
import { dynamoIdempotency } from '../../adapters/aws/dynamo-idempotency-store';
import { dynamoSessionReader } from '../../adapters/aws/dynamo-session-repository';
import { sqsPublisher } from '../../adapters/aws/sqs-event-queue';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { resendNotification, type ResendNotificationPorts } from '../../app/resend-notification';
import type { NotificationChannel } from '../../domain/deliveries';
import { messageNotificationSchema } from '../../domain/operation-schema';
import { parseOrRefuse } from '../../domain/field-errors';
import { dynamoAuthAttempts } from '../../adapters/aws/dynamo-auth-attempts';
import { lambdaEntry } from '../lambda-entry';
import { logger } from '../logger';
import { json } from './http-event';
import { authenticated } from './authenticated';
import { httpHandler } from './http-handler';
import type { IdempotencyPorts } from './idempotency';
import type { AuthPorts } from './require-auth';

/** POST /b/pbl/v2/message-notification/ (Ottu's Message Notifications): send a session's e-mail or SMS again. */
export function wire(ports: ResendNotificationPorts & AuthPorts & IdempotencyPorts) {
  return httpHandler(
    async (event) => {
      const body = parseOrRefuse(messageNotificationSchema, event.body);
      // whatsapp was refused by the schema.
      await resendNotification(ports, { sessionId: body.session_id, orderNo: body.order_no, channels: body.channels as NotificationChannel[] });
      return json(200, { message: 'Customer notified.' });
    },
    authenticated(ports),
  );
}

export const build = () =>
  wire({ sessions: dynamoSessionReader(), config: dynamoConfig(), idempotency: dynamoIdempotency(), attempts: dynamoAuthAttempts(), log: logger, queue: sqsPublisher(['email', 'sms']), ids: randomIds, clock: systemClock });
export const handler = lambdaEntry(build);
