import { sendNotification } from '../../app/send-notification';
import { getPorts } from '../../runtime/ports';
import { getWorkerSettings } from '../../runtime/worker-settings';
import { queueFunction, queueHandler } from './queue-consumer';

export const sendSmsRecords = queueFunction('sms', (message, attempt) => sendNotification(getPorts(), { message, attempt }, getWorkerSettings()));

export const handler = queueHandler(sendSmsRecords);
