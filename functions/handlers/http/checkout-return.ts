import { awsPaymentGateways } from '../../adapters/aws/gateway-secrets';
import { dynamoWebhookSigner } from '../../adapters/aws/dynamo-config-store';
import { dynamoIdempotency } from '../../adapters/aws/dynamo-idempotency-store';
import { dynamoCardKeeper } from '../../adapters/aws/dynamo-saved-cards';
import { HttpWebhookSender } from '../../adapters/http-webhook-sender';
import { setting } from '../../config/env';
import { dynamoChargingSessions } from '../../adapters/aws/dynamo-session-repository';
import { sqsInquiryScheduler } from '../../adapters/aws/sqs-event-queue';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { returnFromGateway, type GatewayReturnPorts } from '../../app/gateway-triggers';
import { lambdaEntry } from '../lambda-entry';
import { redirect } from './http-event';
import { httpHandler } from './http-handler';
import { meteredGateways, observedLog } from '../metrics';

/**
 * Where a hosted gateway sends the customer back (`?attempt=` ours, MPGS adds `resultIndicator`).
 * The return only triggers a sync: the gateway's server answer decides, and the customer goes on
 * (303) to the merchant's redirect_url once paid and its webhook answered 200 (as Ottu does),
 * else to the page, which shows the outcome.
 */
export function wire(ports: GatewayReturnPorts) {
  return httpHandler(
    async (event) => {
      const sessionId = event.pathParameters?.session_id ?? '';
      const query = event.queryStringParameters ?? {};
      const { session, redirectTo } = await returnFromGateway(ports, { sessionId, reference: query.attempt, query });
      return redirect(303, redirectTo ?? `${event.baseUrl}/checkout/${session.session_id}`);
    },
    { errors: 'html' },
  );
}

export const build = () =>
  wire({
    sessions: dynamoChargingSessions(),
    // The configuration read-only, and the webhook key to sign the paid webhook sent from here.
    config: dynamoWebhookSigner(),
    clock: systemClock,
    ids: randomIds,
    // Its webhook attempt counts in the Deliveries metric like the worker's (handlers/metrics.ts).
    log: observedLog,
    gateways: meteredGateways(awsPaymentGateways()),
    // A paid attempt whose card is to be kept is saved by the sync (app/save-attempt-card.ts).
    savedCards: dynamoCardKeeper(),
    // The paid webhook is sent from here first (redirect-after-payment.ts), claimed like the queue's.
    idempotency: dynamoIdempotency(),
    webhooks: new HttpWebhookSender({ allowLoopback: setting('CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS') }),
    // A return the gateway gave no final answer schedules tries of its own on the sync queue.
    inquiries: sqsInquiryScheduler(),
  });
export const handler = lambdaEntry(build);
