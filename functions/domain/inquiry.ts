import type { GatewaySetting } from './config';
import { jsonObject } from './queue-message';

/**
 * The automatic inquiry (Ottu's): an attempt at a hosted gateway is synced by itself after the
 * gateway's inquiry window, and again while it stays pending, up to INQUIRY_TRIES times, so a
 * customer who paid and closed the browser, with no notification arriving, still ends paid.
 */

/** The queue the inquiries wait on (SQS delivers each after its delay). */
export const INQUIRY_QUEUE = 'sync';
export const INQUIRY_TRIES = 3;
/** SQS's longest DelaySeconds: a longer window is asked at 15 minutes. */
export const MAX_INQUIRY_DELAY_SECONDS = 15 * 60;
/** A setting that names no window (the sandbox decides at once, so only a hosted gateway without one). */
const DEFAULT_WINDOW_MINUTES = 15;

/** One scheduled sync of one attempt; `try` counts from 1. */
export interface InquiryMessage {
  session_id: string;
  reference: string;
  try: number;
  /** The wait before this try and each next one (the gateway's window, in seconds). */
  delay_seconds: number;
  /**
   * `notification`: the one sync a gateway's notification asked for, at once (the notification
   * route answers 200 as soon as it is queued). An attempt it leaves pending gets the tries again
   * (auto-inquire.ts): those scheduled when the payment started may all be spent by then.
   */
  trigger?: 'notification';
  /**
   * The API request that started the attempt or asked for this sync (the pay, the return, the
   * notification): the events the sync commits carry it, so one search follows a hosted payment
   * from that request to its webhook. The scheduler stamps it (request-context.ts).
   */
  request_id?: string;
}

/** The wait before each try: the gateway's inquiry window, within what SQS can delay. */
export function inquiryDelaySeconds(setting: Pick<GatewaySetting, 'inquiry_window_minutes'>): number {
  const minutes = setting.inquiry_window_minutes ?? DEFAULT_WINDOW_MINUTES;
  return Math.min(MAX_INQUIRY_DELAY_SECONDS, Math.max(1, Math.round(minutes * 60)));
}

/** The first try of an attempt just started. */
export function firstInquiry(sessionId: string, reference: string, setting: Pick<GatewaySetting, 'inquiry_window_minutes'>): InquiryMessage {
  return { session_id: sessionId, reference, try: 1, delay_seconds: inquiryDelaySeconds(setting) };
}

/** The sync a gateway's notification asks for: one try, delivered at once. */
export function notificationInquiry(sessionId: string, reference: string): InquiryMessage {
  return { session_id: sessionId, reference, try: 1, delay_seconds: 0, trigger: 'notification' };
}

/** The try after this one, or undefined once INQUIRY_TRIES were made (a notification's sync starts tries of its own instead). */
export function nextInquiry(message: InquiryMessage): InquiryMessage | undefined {
  if (message.trigger === 'notification') return undefined;
  return message.try < INQUIRY_TRIES ? { ...message, try: message.try + 1 } : undefined;
}

/** Parses a queue message body; undefined when it is not an inquiry. */
export function parseInquiryMessage(body: string): InquiryMessage | undefined {
  const value = jsonObject(body);
  if (!value) return undefined;
  const message = value as Partial<InquiryMessage>;
  const notification = message.trigger === 'notification';
  const valid =
    (message.trigger === undefined || notification) &&
    (message.request_id === undefined || (typeof message.request_id === 'string' && message.request_id !== '')) &&
    typeof message.session_id === 'string' &&
    message.session_id !== '' &&
    typeof message.reference === 'string' &&
    message.reference !== '' &&
    Number.isInteger(message.try) &&
    message.try! >= 1 &&
    Number.isInteger(message.delay_seconds) &&
    // Only a notification's sync is asked at once; a scheduled try waits at least a second.
    message.delay_seconds! >= (notification ? 0 : 1) &&
    message.delay_seconds! <= MAX_INQUIRY_DELAY_SECONDS;
  if (!valid) return undefined;
  const parsed: InquiryMessage = { session_id: message.session_id!, reference: message.reference!, try: message.try!, delay_seconds: message.delay_seconds! };
  if (notification) parsed.trigger = 'notification';
  if (message.request_id !== undefined) parsed.request_id = message.request_id;
  return parsed;
}
