import type { MerchantConfig } from './config';
import type { SessionEvent } from './events';
import { INQUIRY_QUEUE } from './inquiry';
import type { Session } from './session';
import { NOTIFICATION_EVENTS, type NotificationEvent } from './state-machine';
import { jsonObject } from './queue-message';

/**
 * What the event router puts on the three queues. Messages carry the event, not a copy of the
 * session: consumers read the session when they deliver, so a retry a day later still shows
 * the stored document, and a message stays far below SQS's size limit.
 */
export const CHANNELS = ['webhook', 'email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];
/** The channels that notify a person (SES and SNS), as opposed to the merchant's webhook. */
export type NotificationChannel = Exclude<Channel, 'webhook'>;
/** Each channel has one queue (and its DLQ), named after it; the automatic inquiry has one more. */
export type QueueName = Channel | typeof INQUIRY_QUEUE;
export const QUEUE_NAMES: readonly QueueName[] = [...CHANNELS, INQUIRY_QUEUE];

export type DeliveryMessage =
  /**
   * `status`: send the session's status document as it is at delivery (an inquiry's
   * `notify_webhook_url`; the event is its status, not a committed one) instead of the event's
   * payload, to `url` when the inquiry named one, else to the session's webhook_url.
   */
  | { channel: 'webhook'; event: SessionEvent; status?: true; url?: string }
  /** One message per address, so one rejected address neither blocks nor repeats the others. */
  | { channel: 'email'; event: SessionEvent; to: string }
  | { channel: 'sms'; event: SessionEvent; to: string };

export function isNotificationEvent(type: string): type is NotificationEvent {
  return (NOTIFICATION_EVENTS as readonly string[]).includes(type);
}

/**
 * The deliveries one event causes: a webhook when the session has a URL and the event sends one
 * (webhookFor), and the e-mails and SMS the session asked for.
 */
export function plannedDeliveries(session: Session, event: SessionEvent, config: Pick<MerchantConfig, 'webhook_open_events'>): DeliveryMessage[] {
  const out: DeliveryMessage[] = [];
  if (session.webhook_url && webhookFor(event.type, config)) out.push({ channel: 'webhook', event });
  return [...out, ...notificationMessages(session, event, 'email'), ...notificationMessages(session, event, 'sms')];
}

/** The e-mails (one per address) or the SMS an event causes on one channel, as the session asked. */
export function notificationMessages(session: Session, event: SessionEvent, channel: NotificationChannel): DeliveryMessage[] {
  if (!isNotificationEvent(event.type) || !session.notifications[channel].includes(event.type)) return [];
  if (channel === 'email') return emailRecipients(session).map((to) => ({ channel, event, to }));
  return session.customer_phone ? [{ channel, event, to: e164(session.customer_phone) }] : [];
}

/**
 * Whether an event sends the webhook, as Ottu documents it: every completed payment attempt
 * whatever its result (paid, authorized, attempted, failed), cancel, expiry and the operations;
 * `created` and `pending` only when the merchant's configuration asks for them.
 */
export function webhookFor(type: SessionEvent['type'], config: Pick<MerchantConfig, 'webhook_open_events'>): boolean {
  if (type === 'created' || type === 'pending') return (config.webhook_open_events ?? []).includes(type);
  return true;
}

/** Whether routing this event needs the merchant's configuration (only to decide its webhook). */
export function needsConfig(session: Pick<Session, 'webhook_url'>, event: Pick<SessionEvent, 'type'>): boolean {
  return !!session.webhook_url && (event.type === 'created' || event.type === 'pending');
}

/** customer_email plus email_recipients, each address once (case-insensitively). */
export function emailRecipients(session: Pick<Session, 'customer_email' | 'email_recipients'>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const address of [session.customer_email, ...session.email_recipients]) {
    const key = address.trim().toLowerCase();
    if (key && !seen.has(key)) {
      seen.add(key);
      out.push(address.trim());
    }
  }
  return out;
}

/** SNS wants E.164: the session stores digits with an optional leading '+'. */
export function e164(phone: string): string {
  const trimmed = phone.trim();
  return trimmed.startsWith('+') ? trimmed : `+${trimmed}`;
}

/** Key under which a consumer remembers it already delivered this message (duplicates are expected). */
export function deliveryKey(message: DeliveryMessage): string {
  const to = message.channel === 'webhook' ? '' : `:${message.to.toLowerCase()}`;
  return `delivery:${message.channel}:${message.event.event_id}${to}`;
}

/** Parses a queue message body; undefined when it is not one of ours. */
export function parseDeliveryMessage(body: string): DeliveryMessage | undefined {
  const value = jsonObject(body);
  if (!value) return undefined;
  const message = value as Partial<DeliveryMessage> & { to?: unknown };
  const event = message.event as Partial<SessionEvent> | undefined;
  const validEvent = !!event && typeof event.event_id === 'string' && typeof event.session_id === 'string' && typeof event.type === 'string';
  if (!validEvent) return undefined;
  if (message.channel === 'webhook') return message as DeliveryMessage;
  if ((message.channel === 'email' || message.channel === 'sms') && typeof message.to === 'string' && message.to) return message as DeliveryMessage;
  return undefined;
}
