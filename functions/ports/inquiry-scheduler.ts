import type { InquiryMessage } from '../domain/inquiry';

/** The automatic inquiry's queue (SQS on AWS, in-process when embedded): each message is delivered after its delay. */
export interface InquiryScheduler {
  /** Delivers the message to the inquiry worker after `message.delay_seconds` (at most 900). */
  schedule(message: InquiryMessage): Promise<void>;
}
