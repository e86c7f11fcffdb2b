export interface Ids {
  /** 40 lowercase hex characters from 20 random bytes. */
  sessionId(): string;
  eventId(): string;
  /** 12 upper-case letters and digits naming one payment attempt. */
  referenceNumber(): string;
}
