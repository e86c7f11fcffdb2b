import { MemoryAttachmentStore } from '../adapters/embedded/memory-attachment-store';
import { MemoryAuditLog } from '../adapters/embedded/memory-audit-log';
import { MemoryAuthAttempts } from '../adapters/embedded/memory-auth-attempts';
import { MemoryConfigStore } from '../adapters/embedded/memory-config-store';
import { randomBytes } from 'node:crypto';
import { MemoryExpiryIndex } from '../adapters/embedded/memory-expiry-index';
import { MemoryEventQueue } from '../adapters/embedded/memory-event-queue';
import { MemoryIdempotencyStore } from '../adapters/embedded/memory-idempotency-store';
import { MemoryOutbox } from '../adapters/embedded/memory-outbox';
import { MemorySavedCards } from '../adapters/embedded/memory-saved-cards';
import { MemorySessionRepository } from '../adapters/embedded/memory-session-repository';
import { MemoryShortLinkStore } from '../adapters/embedded/memory-short-link-store';
import { HttpWebhookSender, type Resolve } from '../adapters/http-webhook-sender';
import { randomIds } from '../adapters/random-ids';
import { connectorTable, NO_SECRETS, type GatewaySecrets } from '../adapters/connectors';
import type { MerchantConfig } from '../domain/config';
import type { NotificationChannel } from '../domain/deliveries';
import { logger } from '../handlers/logger';
import type { Clock, Log } from '../ports';

export interface EmbeddedOptions {
  /** Scales every queue wait (1 = real time). */
  delayScale?: number;
  /** Merchants' webhooks are real HTTP calls here too; loopback only when asked for. */
  allowLoopbackWebhooks?: boolean;
  /** DNS for the webhook sender (tests); the system resolver otherwise. */
  resolve?: Resolve;
  emailFrom?: string;
  /** Addresses or numbers the e-mail/SMS twins refuse for good; returns the reason. */
  rejectNotification?: (channel: NotificationChannel, to: string) => string | undefined;
  /** Where use cases report delivery attempts (npm start: the console's activity log). */
  log?: Log;
  /** The payment gateways' secrets (npm start: the local MPGS's); none by default (the sandbox needs none). */
  gatewaySecrets?: GatewaySecrets;
  /** Per-call timeout towards a payment gateway. */
  gatewayTimeoutMs?: number;
}

/**
 * Every port on its embedded adapter: the one place `npm start` and the tests build them. The
 * local runtime hands this whole set to each handler module's `wire`, which takes what it names.
 */
export function embeddedPorts(config: MerchantConfig, webhookKey: string, clock: Clock, options: EmbeddedOptions = {}) {
  const csrfSecret = randomBytes(32).toString('hex');
  const audit = new MemoryAuditLog();
  // An auto-debit charge's agreement cycles commit with its session write: one store holds both.
  const savedCards = new MemorySavedCards();
  const sessions = new MemorySessionRepository(audit, savedCards);
  const queue = new MemoryEventQueue({ delayScale: options.delayScale ?? 1 });
  const outbox = new MemoryOutbox({ from: options.emailFrom || 'checkout@localhost', clock, reject: options.rejectNotification });
  return {
    sessions,
    expiry: new MemoryExpiryIndex(sessions),
    config: new MemoryConfigStore(config, webhookKey, audit),
    audit,
    attempts: new MemoryAuthAttempts(),
    // Its own secret, as on AWS: never derived from the webhook key.
    csrfSecret: { value: async () => csrfSecret },
    idempotency: new MemoryIdempotencyStore(),
    attachments: new MemoryAttachmentStore(),
    shortLinks: new MemoryShortLinkStore(),
    clock,
    ids: randomIds,
    queue,
    inquiries: queue,
    webhooks: new HttpWebhookSender({ allowLoopback: options.allowLoopbackWebhooks ?? false, resolve: options.resolve }),
    mailer: outbox.mailer,
    sms: outbox.sms,
    /** What the e-mail and SMS twins sent (also at /_local/outbox). */
    outbox,
    log: options.log ?? (logger as Log),
    gateways: connectorTable({ secrets: options.gatewaySecrets ?? NO_SECRETS, timeoutMs: options.gatewayTimeoutMs }),
    savedCards,
  };
}

export type EmbeddedPorts = ReturnType<typeof embeddedPorts>;
