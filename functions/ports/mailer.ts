export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** Throws PermanentDeliveryError when the provider refuses the message for good. */
  send(message: EmailMessage): Promise<void>;
}
