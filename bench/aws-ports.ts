import { dynamoConfigWithWebhookKey } from '../functions/adapters/aws/dynamo-config-store';
import { DynamoAuditLog } from '../functions/adapters/aws/dynamo-audit-log';
import { dynamoAuthAttempts } from '../functions/adapters/aws/dynamo-auth-attempts';
import { dynamoDocumentClient } from '../functions/adapters/aws/aws-clients';
import { csrfSecret } from '../functions/adapters/aws/secrets-manager-secret';
import { dynamoExpiryIndex } from '../functions/adapters/aws/dynamo-expiry-index';
import { dynamoIdempotency } from '../functions/adapters/aws/dynamo-idempotency-store';
import { dynamoAuditedSessions } from '../functions/adapters/aws/dynamo-session-repository';
import { dynamoSavedCards } from '../functions/adapters/aws/dynamo-saved-cards';
import { dynamoShortLinks } from '../functions/adapters/aws/dynamo-short-links';
import { s3Attachments } from '../functions/adapters/aws/s3-attachment-store';
import { sesMailer } from '../functions/adapters/aws/ses-mailer';
import { snsSmsSender } from '../functions/adapters/aws/sns-sms-sender';
import { awsPaymentGateways } from '../functions/adapters/aws/gateway-secrets';
import { sqsInquiryScheduler, sqsPublisher } from '../functions/adapters/aws/sqs-event-queue';
import { HttpWebhookSender } from '../functions/adapters/http-webhook-sender';
import { randomIds } from '../functions/adapters/random-ids';
import { systemClock } from '../functions/adapters/system-clock';
import { WEBHOOK_TIMEOUT_MS } from '../functions/app/deliver-webhook';
import { requiredSetting } from '../functions/config/env';
import { CHANNELS } from '../functions/config/queues';
import { logger } from '../functions/handlers/logger';
import type { Ports } from '../functions/ports';
import { TEMPLATES } from '../functions/templates/all-templates';

/**
 * The bench runs the handler modules in this process on the AWS adapters, built by the same
 * factories the Lambda entries use; `overrides` swaps one (a loopback webhook sender, a clock).
 */
export function benchPorts(overrides: Partial<Ports> = {}): Ports {
  return {
    sessions: dynamoAuditedSessions(),
    config: dynamoConfigWithWebhookKey(),
    attempts: dynamoAuthAttempts(),
    audit: new DynamoAuditLog(dynamoDocumentClient(), requiredSetting('CHECKOUT_TABLE')),
    csrfSecret: csrfSecret(),
    idempotency: dynamoIdempotency(),
    attachments: s3Attachments(),
    shortLinks: dynamoShortLinks(),
    expiry: dynamoExpiryIndex(),
    queue: sqsPublisher(CHANNELS),
    mailer: sesMailer(),
    sms: snsSmsSender(),
    webhooks: new HttpWebhookSender({ allowLoopback: false }),
    clock: systemClock,
    ids: randomIds,
    log: logger,
    gateways: awsPaymentGateways(),
    inquiries: sqsInquiryScheduler(),
    savedCards: dynamoSavedCards(),
    ...overrides,
  };
}

type Wire = { wire: (ports: Ports, settings: object) => (event: never, context: never) => Promise<unknown> };

/** Each handler module wired once to `ports` (warm, as a Lambda instance stays between calls). */
export function benchHandlers(ports: Ports) {
  const settings = { templates: TEMPLATES, publicUrl: requiredSetting('CHECKOUT_PUBLIC_URL'), timeoutMs: WEBHOOK_TIMEOUT_MS };
  const wired = new Map<string, Promise<(event: unknown, context: unknown) => Promise<unknown>>>();
  return (module: string) => {
    let handler = wired.get(module);
    if (!handler) {
      handler = (import(`../functions/handlers/${module}`) as Promise<Wire>).then((m) => m.wire(ports, settings) as (event: unknown, context: unknown) => Promise<unknown>);
      wired.set(module, handler);
    }
    return handler;
  };
}
