import { sesMailer } from '../../adapters/aws/ses-mailer';
import { lambdaEntry } from '../lambda-entry';
import { awsNotificationPorts, awsNotificationSettings, notificationConsumer } from './notification-consumer';

export const wire = notificationConsumer('email');
export const build = () => wire({ ...awsNotificationPorts('email'), mailer: sesMailer() }, awsNotificationSettings());
export const handler = lambdaEntry(build);
