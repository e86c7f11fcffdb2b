import { AsyncLocalStorage } from 'node:async_hooks';
import type { SessionEvent } from '../domain/events';
import type { InquiryMessage } from '../domain/inquiry';

/**
 * The API request a piece of work runs for (API Gateway's request id), kept across awaits, so
 * the repository can stamp it on the events a request commits without every use case passing
 * it along. The HTTP middleware runs each request inside it; workers carry the id on the event.
 */
const current = new AsyncLocalStorage<string>();

export function runWithRequestId<T>(requestId: string, work: () => T): T {
  return current.run(requestId, work);
}

export function currentRequestId(): string | undefined {
  return current.getStore();
}

/** The events as committed: each with the current request's id, unless it already has one. */
export function stampRequestId(events: readonly SessionEvent[]): SessionEvent[] {
  const requestId = current.getStore();
  return requestId ? events.map((event) => (event.request_id ? event : { ...event, request_id: requestId })) : [...events];
}

/** A scheduled sync, with the current request's id unless it already has one (a next try keeps the first's). */
export function stampInquiry(message: InquiryMessage): InquiryMessage {
  const requestId = current.getStore();
  return requestId && !message.request_id ? { ...message, request_id: requestId } : message;
}
