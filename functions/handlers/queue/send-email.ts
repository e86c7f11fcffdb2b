import { sesMailer } from '../../adapters/aws/ses-mailer';
import { EMAIL_TEMPLATES } from '../../templates/templates.generated';
import { lambdaEntry } from '../lambda-entry';
import { awsNotificationPorts, awsNotificationSettings, notificationConsumer } from './notification-consumer';

export const wire = notificationConsumer('email');
export const build = () => wire({ ...awsNotificationPorts('email'), mailer: sesMailer() }, awsNotificationSettings(EMAIL_TEMPLATES));
export const handler = lambdaEntry(build);
