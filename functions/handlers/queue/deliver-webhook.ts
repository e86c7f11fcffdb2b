import { observedLog } from '../metrics';
import { dynamoWebhookSigner } from '../../adapters/aws/dynamo-config-store';
import { dynamoIdempotency } from '../../adapters/aws/dynamo-idempotency-store';
import { dynamoSessions } from '../../adapters/aws/dynamo-session-repository';
import { sqsConsumerQueue } from '../../adapters/aws/sqs-event-queue';
import { HttpWebhookSender } from '../../adapters/http-webhook-sender';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { deliverWebhook, WEBHOOK_TIMEOUT_MS, type DeliverWebhookPorts } from '../../app/deliver-webhook';
import { setting } from '../../config/env';
import { lambdaEntry } from '../lambda-entry';
import { queueFunction, queueHandler, type ConsumerPorts } from './queue-consumer';

export function wire(ports: DeliverWebhookPorts & ConsumerPorts, { timeoutMs = WEBHOOK_TIMEOUT_MS } = {}) {
  return queueHandler(queueFunction('webhook', ports, (message, attempt) => deliverWebhook(ports, { message, attempt }, { timeoutMs })));
}

export const build = () =>
  wire({
    sessions: dynamoSessions(),
    config: dynamoWebhookSigner(),
    idempotency: dynamoIdempotency(),
    queue: sqsConsumerQueue('webhook'),
    // Off unless set, and the stacks never set it: the local cloud passes it so the bundle can
    // call a receiver on this machine.
    webhooks: new HttpWebhookSender({ allowLoopback: setting('CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS') }),
    clock: systemClock,
    ids: randomIds,
    log: observedLog,
  });
export const handler = lambdaEntry(build);
