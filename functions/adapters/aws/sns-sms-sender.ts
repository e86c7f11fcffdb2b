import { traced } from './aws-clients';
import { PublishCommand } from '@aws-sdk/client-sns';
import { PermanentDeliveryError } from '../../domain/delivery-errors';
import type { SmsMessage, SmsSender } from '../../ports';
import { SNSClient } from '@aws-sdk/client-sns';
import { uses } from '../../config/needs';

const PERMANENT = new Set(['InvalidParameterException', 'InvalidParameter', 'InvalidParameterValueException']);

/** SNS Publish straight to a phone number, as a transactional SMS. */
export class SnsSmsSender implements SmsSender {
  constructor(private readonly client: SNSClient) {}

  async send(message: SmsMessage): Promise<void> {
    try {
      await this.client.send(
        new PublishCommand({
          PhoneNumber: message.to,
          Message: message.text,
          MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
        }),
      );
    } catch (error) {
      // InvalidParameter: the number (or text) is not acceptable; resending cannot help.
      if (PERMANENT.has((error as Error).name)) throw new PermanentDeliveryError(`SNS rejected the SMS: ${(error as Error).message}`, { cause: error });
      throw error;
    }
  }
}

export function snsSmsSender() {
  uses({ sms: true });
  return new SnsSmsSender(traced(new SNSClient({}), 'SNS'));
}
