import { sendNotification } from '../../app/send-notification';
import { getPorts } from '../../runtime/ports';
import { getWorkerSettings } from '../../runtime/worker-settings';
import { queueFunction, queueHandler } from './queue-consumer';

export const sendEmailRecords = queueFunction('email', (message, attempt) => sendNotification(getPorts(), { message, attempt }, getWorkerSettings()));

export const handler = queueHandler(sendEmailRecords);
