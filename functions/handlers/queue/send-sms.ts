import { snsSmsSender } from '../../adapters/aws/sns-sms-sender';
import { lambdaEntry } from '../lambda-entry';
import { awsNotificationPorts, awsNotificationSettings, notificationConsumer } from './notification-consumer';

export const wire = notificationConsumer('sms');
export const build = () => wire({ ...awsNotificationPorts('sms'), sms: snsSmsSender() }, awsNotificationSettings());
export const handler = lambdaEntry(build);
