import type { Clock } from './clock';
import type { ConfigStore } from './config-store';
import type { EventQueue } from './event-queue';
import type { IdempotencyBegin, IdempotencyStore, StoredResponse } from './idempotency-store';
import type { Ids } from './ids';
import type { EmailMessage, Mailer } from './mailer';
import type { SessionRepository } from './session-repository';
import type { SmsMessage, SmsSender } from './sms-sender';
import type { WebhookResult, WebhookSender } from './webhook-sender';

export type { Clock, ConfigStore, IdempotencyBegin, IdempotencyStore, Ids, SessionRepository, StoredResponse };
export type { EmailMessage, EventQueue, Mailer, SmsMessage, SmsSender, WebhookResult, WebhookSender };

/** Everything a use case may touch outside pure code. */
export interface Ports {
  sessions: SessionRepository;
  config: ConfigStore;
  idempotency: IdempotencyStore;
  clock: Clock;
  ids: Ids;
  /** The webhook, email and sms queues the event router fans out to. */
  queue: EventQueue;
  webhooks: WebhookSender;
  mailer: Mailer;
  sms: SmsSender;
}
