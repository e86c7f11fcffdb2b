import { snsSmsSender } from '../../adapters/aws/sns-sms-sender';
import { SMS_TEMPLATES } from '../../templates/templates.generated';
import { lambdaEntry } from '../lambda-entry';
import { awsNotificationPorts, awsNotificationSettings, notificationConsumer } from './notification-consumer';

export const wire = notificationConsumer('sms');
export const build = () => wire({ ...awsNotificationPorts('sms'), sms: snsSmsSender() }, awsNotificationSettings(SMS_TEMPLATES));
export const handler = lambdaEntry(build);
