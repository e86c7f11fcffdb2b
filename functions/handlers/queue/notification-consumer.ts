import { observedLog } from '../metrics';
import { dynamoIdempotency } from '../../adapters/aws/dynamo-idempotency-store';
import { dynamoSessions } from '../../adapters/aws/dynamo-session-repository';
import { sqsConsumerQueue } from '../../adapters/aws/sqs-event-queue';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { sendNotification, type NotificationSettings, type SendNotificationPorts } from '../../app/send-notification';
import { requiredSetting } from '../../config/env';
import type { NotificationChannel } from '../../domain/deliveries';
import { queueFunction, queueHandler, type ConsumerPorts } from './queue-consumer';

/** The e-mail and SMS consumers: the same loop over their own queue and their own sender. */
export function notificationConsumer(channel: NotificationChannel) {
  return (ports: SendNotificationPorts & ConsumerPorts, settings: NotificationSettings) =>
    queueHandler(queueFunction(channel, ports, (message, attempt) => sendNotification(ports, { message, attempt }, settings)));
}

/** What both build on AWS besides their sender. */
export function awsNotificationPorts(channel: NotificationChannel) {
  return { sessions: dynamoSessions(), idempotency: dynamoIdempotency(), queue: sqsConsumerQueue(channel), clock: systemClock, ids: randomIds, log: observedLog };
}

/**
 * The `created` message links to the checkout page: the stack always sets the public URL. Each
 * entry passes its own channel's templates, so it bundles no other's.
 */
export function awsNotificationSettings(templates: NotificationSettings['templates']): NotificationSettings {
  return { templates, publicUrl: requiredSetting('CHECKOUT_PUBLIC_URL') };
}
