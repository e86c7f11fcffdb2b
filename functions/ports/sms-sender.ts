export interface SmsMessage {
  /** E.164, e.g. +96550000000. */
  to: string;
  text: string;
}

export interface SmsSender {
  /** Throws PermanentDeliveryError when the provider refuses the message for good. */
  send(message: SmsMessage): Promise<void>;
}
