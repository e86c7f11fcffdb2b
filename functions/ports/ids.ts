export interface Ids {
  /** 40 lowercase hex characters from 20 random bytes. */
  sessionId(): string;
  eventId(): string;
  /** 32 base64url characters from 24 random bytes: names an attachment object and its URL. */
  attachmentToken(): string;
  /** SHORT_CODE_LENGTH characters drawn uniformly from SHORT_CODE_ALPHABET. */
  shortCode(): string;
  /** 12 upper-case letters and digits naming one payment attempt. */
  referenceNumber(): string;
}
