import { traced } from './aws-clients';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PermanentDeliveryError } from '../../domain/delivery-errors';
import type { EmailMessage, Mailer } from '../../ports';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { requiredSetting } from '../../config/env';
import { uses } from '../../config/needs';

/** SESv2 SendEmail from CHECKOUT_EMAIL_FROM, text and HTML parts in UTF-8 (Arabic included). */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
  ) {}

  async send(message: EmailMessage): Promise<void> {
    const utf8 = (data: string) => ({ Data: data, Charset: 'UTF-8' });
    try {
      await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: this.from,
          Destination: { ToAddresses: [message.to] },
          Content: { Simple: { Subject: utf8(message.subject), Body: { Text: utf8(message.text), Html: utf8(message.html) } } },
        }),
      );
    } catch (error) {
      // MessageRejected: SES will not send this message, now or later. Throttling and the
      // rest are transient and retried through the queue.
      if ((error as Error).name === 'MessageRejected') throw new PermanentDeliveryError(`SES rejected the message: ${(error as Error).message}`, { cause: error });
      throw error;
    }
  }
}

export function sesMailer() {
  uses({ email: true });
  return new SesMailer(traced(new SESv2Client({}), 'SES'), requiredSetting('CHECKOUT_EMAIL_FROM'));
}
