import { deliverWebhook } from '../../app/deliver-webhook';
import { getPorts } from '../../runtime/ports';
import { getWorkerSettings } from '../../runtime/worker-settings';
import { queueFunction, queueHandler } from './queue-consumer';

export const deliverWebhookRecords = queueFunction('webhook', (message, attempt) =>
  deliverWebhook(getPorts(), { message, attempt }, { timeoutMs: getWorkerSettings().webhookTimeoutMs }),
);

export const handler = queueHandler(deliverWebhookRecords);
