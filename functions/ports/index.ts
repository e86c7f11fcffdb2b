import type { AuditLog, AuditQuery } from './audit-log';
import type { AuthAttempts, StoredFailures } from './auth-attempts';
import type { AttachmentStore, FileDownload, StoredFile, StoredFileInfo } from './attachment-store';
import type { Clock } from './clock';
import type { ConfigStore } from './config-store';
import type { EventQueue } from './event-queue';
import type { DuePage, DueSession, ExpiryIndex, ShardCursors, SweepCheckpoint } from './expiry-index';
import type { IdempotencyBegin, IdempotencyStore, StoredResult } from './idempotency-store';
import type { Ids } from './ids';
import type { InquiryScheduler } from './inquiry-scheduler';
import type { Log } from './log';
import type { EmailMessage, Mailer } from './mailer';
import type { ReadOptions, SessionBatchReader, SessionReader, SessionRepository } from './session-repository';
import type { DeleteCardResult, SavedCard, SavedCards, StoredCard } from './saved-cards';
import type { ShortLinkReader, ShortLinkStore } from './short-link-store';

import type { SecretSource } from './secret-source';
import type { SmsMessage, SmsSender } from './sms-sender';
import type { PaymentGateway, PaymentGateways } from './payment-gateway';
import type { WebhookResult, WebhookSender } from './webhook-sender';

export type {
  AuditLog,
  AuditQuery,
  AuthAttempts,
  StoredFailures,
  AttachmentStore,
  DeleteCardResult,
  SavedCard,
  SavedCards,
  StoredCard,
  Clock,
  ConfigStore,
  EmailMessage,
  DuePage,
  DueSession,
  EventQueue,
  ExpiryIndex,
  FileDownload,
  IdempotencyBegin,
  IdempotencyStore,
  Ids,
  InquiryScheduler,
  Log,
  Mailer,
  PaymentGateway,
  PaymentGateways,
  ReadOptions,
  SessionBatchReader,
  SessionReader,
  SecretSource,
  SessionRepository,
  ShardCursors,
  ShortLinkReader,
  ShortLinkStore,
  SmsMessage,
  SmsSender,
  StoredFile,
  StoredFileInfo,
  StoredResult,
  SweepCheckpoint,
  WebhookResult,
  WebhookSender,
};

/**
 * The catalogue of what a use case may touch outside pure code. No one gets all of it: each use
 * case names the few it uses (`Pick<Ports, …>`), and each Lambda entry builds exactly those.
 */
export interface Ports {
  sessions: SessionRepository;
  config: ConfigStore;
  idempotency: IdempotencyStore;
  attachments: AttachmentStore;
  shortLinks: ShortLinkStore;
  clock: Clock;
  expiry: ExpiryIndex;
  ids: Ids;
  /** The webhook, email and sms queues the event router fans out to. */
  queue: EventQueue;
  webhooks: WebhookSender;
  mailer: Mailer;
  sms: SmsSender;
  log: Log;
  /** Failed authentications (lockout) and API keys' last use. */
  attempts: AuthAttempts;
  audit: AuditLog;
  /** The payment form's CSRF secret (its own, not the webhook key). */
  csrfSecret: SecretSource;
  /** The connectors table: the payment gateway that runs a gateway setting. */
  gateways: PaymentGateways;
  /** The automatic inquiry's queue: a pending attempt synced after the gateway's window. */
  inquiries: InquiryScheduler;
}
