import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SesMailer } from '../adapters/aws/ses-mailer';
import { SnsSmsSender } from '../adapters/aws/sns-sms-sender';
import { SqsEventQueue } from '../adapters/aws/sqs-event-queue';
import { HttpWebhookSender } from '../adapters/http-webhook-sender';
import type { Ports } from '../ports';
import { notBundled } from './not-bundled';

export type EventPorts = Pick<Ports, 'queue' | 'webhooks' | 'mailer' | 'sms'>;

/**
 * The AWS side of the event ports, for runtime/aws-ports.ts to spread into its Ports. Built
 * once per cold start; missing configuration fails here, not in the middle of a delivery.
 * Clients honour AWS_ENDPOINT_URL, so the same code reaches moto in tests.
 */
export function awsEventPorts(env: NodeJS.ProcessEnv = process.env): EventPorts {
  const required = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`${name} must be set`);
    return value;
  };
  const urls = () => ({
    webhook: required('CHECKOUT_WEBHOOK_QUEUE_URL'),
    email: required('CHECKOUT_EMAIL_QUEUE_URL'),
    sms: required('CHECKOUT_SMS_QUEUE_URL'),
  });
  // Each `process.env.CHECKOUT_BUNDLE_*` test is literal on purpose: the CDK bundle defines it
  // per function (functions/runtime/needs.ts) and esbuild drops the client behind a "0".
  return {
    queue: process.env.CHECKOUT_BUNDLE_QUEUES !== '0' ? new SqsEventQueue(new SQSClient({}), urls()) : notBundled('queue'),
    // Never loopback on AWS: CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS is for the embedded runtime only.
    webhooks: new HttpWebhookSender({ allowLoopback: false }),
    mailer: process.env.CHECKOUT_BUNDLE_EMAIL !== '0' ? new SesMailer(new SESv2Client({}), required('CHECKOUT_EMAIL_FROM')) : notBundled('mailer'),
    sms: process.env.CHECKOUT_BUNDLE_SMS !== '0' ? new SnsSmsSender(new SNSClient({})) : notBundled('sms'),
  };
}
