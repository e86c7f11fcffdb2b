import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { dynamoConfigReader } from '../../adapters/aws/dynamo-config-store';
import { dynamoCardKeeper } from '../../adapters/aws/dynamo-saved-cards';
import { dynamoChargingSessions } from '../../adapters/aws/dynamo-session-repository';
import { awsPaymentGateways } from '../../adapters/aws/gateway-secrets';
import { sqsConsumerQueue, sqsInquiryScheduler } from '../../adapters/aws/sqs-event-queue';
import { randomIds } from '../../adapters/random-ids';
import { runWithRequestId } from '../../adapters/request-context';
import { systemClock } from '../../adapters/system-clock';
import { autoInquire, type AutoInquirePorts } from '../../app/auto-inquire';
import { INQUIRY_QUEUE, parseInquiryMessage } from '../../domain/inquiry';
import type { Log } from '../../ports';
import { lambdaEntry } from '../lambda-entry';
import { logger } from '../logger';
import { queueHandler, type ConsumerPorts, type QueueFunction } from './queue-consumer';
import { meteredGateways } from '../metrics';

/**
 * The automatic inquiry's worker: each message is one try (sync, and the next try while the
 * gateway has no answer), or the one sync a gateway's notification queued. A message that is not an inquiry is dead-lettered with the reason; a
 * failure of ours fails the record, so SQS delivers it again after its visibility timeout.
 */
export function wire(ports: AutoInquirePorts & ConsumerPorts): ReturnType<typeof queueHandler> {
  const handleRecord = async (record: SQSRecord): Promise<void> => {
    const message = parseInquiryMessage(record.body);
    if (!message) {
      await ports.queue.deadLetter(INQUIRY_QUEUE, record.body, 'not an inquiry message');
      return;
    }
    // Every line and event of this sync names the API request that started the attempt or asked for it.
    logger.appendKeys({ request_id: message.request_id });
    const inquire = () => autoInquire(ports, message);
    const outcome = await (message.request_id ? runWithRequestId(message.request_id, inquire) : inquire());
    logger.info('automatic inquiry', { session_id: message.session_id, reference: message.reference, try: message.try, trigger: message.trigger ?? 'schedule', outcome: outcome.kind });
  };
  const fn: QueueFunction = (event, context) =>
    processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false }) as Promise<SQSBatchResponse>;
  return queueHandler(fn);
}

export const build = () =>
  wire({
    sessions: dynamoChargingSessions(),
    config: dynamoConfigReader(),
    clock: systemClock,
    ids: randomIds,
    log: logger as Log,
    gateways: meteredGateways(awsPaymentGateways()),
    savedCards: dynamoCardKeeper(),
    inquiries: sqsInquiryScheduler(),
    queue: sqsConsumerQueue(INQUIRY_QUEUE),
  });
export const handler = lambdaEntry(build);
