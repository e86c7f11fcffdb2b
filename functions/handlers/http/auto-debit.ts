import { meteredGateways } from '../metrics';
import { dynamoAuthAttempts } from '../../adapters/aws/dynamo-auth-attempts';
import { dynamoConfigWithWebhookKey } from '../../adapters/aws/dynamo-config-store';
import { dynamoIdempotency } from '../../adapters/aws/dynamo-idempotency-store';
import { dynamoCardKeeper } from '../../adapters/aws/dynamo-saved-cards';
import { dynamoChargingSessions } from '../../adapters/aws/dynamo-session-repository';
import { awsPaymentGateways } from '../../adapters/aws/gateway-secrets';
import { sqsInquiryScheduler } from '../../adapters/aws/sqs-event-queue';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { autoDebit, type AutoDebitPorts } from '../../app/auto-debit';
import { autoDebitSchema } from '../../domain/operation-schema';
import { parseOrRefuse } from '../../domain/field-errors';
import type { Log } from '../../ports';
import { lambdaEntry } from '../lambda-entry';
import { logger } from '../logger';
import { json } from './http-event';
import { authenticated } from './authenticated';
import { httpHandler } from './http-handler';
import type { IdempotencyPorts } from './idempotency';
import type { AuthPorts } from './require-auth';

/** POST /b/pbl/v2/auto-debit/ (Ottu's Native Payment API, auto-debit): charge a saved card without the customer. */
export function wire(ports: AutoDebitPorts & IdempotencyPorts & AuthPorts) {
  return httpHandler(
    async (event) => {
      const parsed = parseOrRefuse(autoDebitSchema, event.body);
      return json(200, await autoDebit(ports, { principal: event.principal!, sessionId: parsed.session_id, token: parsed.token, baseUrl: event.baseUrl }));
    },
    authenticated(ports),
  );
}

export const build = () =>
  wire({
    sessions: dynamoChargingSessions(),
    config: dynamoConfigWithWebhookKey(),
    gateways: meteredGateways(awsPaymentGateways()),
    savedCards: dynamoCardKeeper(),
    inquiries: sqsInquiryScheduler(),
    log: logger as Log,
    idempotency: dynamoIdempotency(),
    attempts: dynamoAuthAttempts(),
    ids: randomIds,
    clock: systemClock,
  });
export const handler = lambdaEntry(build);
