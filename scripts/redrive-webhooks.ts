import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsEventQueue } from '../functions/adapters/aws/sqs-event-queue';

/**
 * `npm run redrive-webhooks`: sends every message in the webhook DLQ to the webhook queue
 * again (after the merchant fixed their endpoint). Each one starts a fresh retry schedule.
 * Needs CHECKOUT_WEBHOOK_QUEUE_URL and AWS credentials for the stage; the DLQ is found through
 * the queue's redrive policy. The embedded runtime has POST /_local/redrive-webhooks instead.
 */
export async function redriveWebhooks(env: NodeJS.ProcessEnv = process.env, client = new SQSClient({})): Promise<number> {
  const url = env.CHECKOUT_WEBHOOK_QUEUE_URL;
  if (!url) throw new Error('CHECKOUT_WEBHOOK_QUEUE_URL must be set to the stage\'s webhook queue URL');
  return new SqsEventQueue(client, { webhook: url, email: '', sms: '' }).redrive('webhook');
}

if (require.main === module) {
  redriveWebhooks()
    .then((count) => console.log(`redrove ${count} webhook message(s) from the dead-letter queue`))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
