import { randomUUID } from 'node:crypto';
import type { NotificationChannel } from '../../domain/deliveries';
import { PermanentDeliveryError } from '../../domain/delivery-errors';
import type { Clock, EmailMessage, Mailer, SmsMessage, SmsSender } from '../../ports';

export type OutboxEntry =
  | ({ id: string; channel: 'email'; at: string; from: string } & EmailMessage)
  | ({ id: string; channel: 'sms'; at: string } & SmsMessage);

/** Same rule SNS applies to PhoneNumber. */
const E164 = /^\+[1-9]\d{1,14}$/;

export interface MemoryOutboxOptions {
  from: string;
  clock: Clock;
  /** Addresses or numbers the twin refuses for good (its stand-in for a bounce list): returns the reason. */
  reject?: (channel: NotificationChannel, to: string) => string | undefined;
}

/**
 * Embedded twin of SES and SNS: keeps what it was asked to send (newest first) for
 * /_local/outbox, and refuses what the real providers refuse for good.
 */
export class MemoryOutbox {
  readonly entries: OutboxEntry[] = [];

  constructor(private readonly options: MemoryOutboxOptions) {}

  readonly mailer: Mailer = {
    send: async (message) => {
      this.refuseIf(this.options.reject?.('email', message.to));
      this.entries.unshift({ id: randomUUID(), channel: 'email', at: this.now(), from: this.options.from, ...message });
    },
  };

  readonly sms: SmsSender = {
    send: async (message) => {
      if (!E164.test(message.to)) throw new PermanentDeliveryError(`Invalid parameter: PhoneNumber ${message.to} is not E.164`);
      this.refuseIf(this.options.reject?.('sms', message.to));
      this.entries.unshift({ id: randomUUID(), channel: 'sms', at: this.now(), ...message });
    },
  };

  private refuseIf(reason: string | undefined): void {
    if (reason) throw new PermanentDeliveryError(reason);
  }

  private now(): string {
    return this.options.clock.now().toISOString();
  }
}
