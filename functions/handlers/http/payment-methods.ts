import { dynamoConfig } from '../../adapters/aws/dynamo-config-store';
import { dynamoIdempotency } from '../../adapters/aws/dynamo-idempotency-store';
import { dynamoCardReader } from '../../adapters/aws/dynamo-saved-cards';
import { systemClock } from '../../adapters/system-clock';
import { listPaymentMethods, type ListPaymentMethodsPorts } from '../../app/list-payment-methods';
import { paymentMethodsSchema } from '../../domain/operation-schema';
import { parseOrRefuse } from '../../domain/field-errors';
import { lambdaEntry } from '../lambda-entry';
import { json } from './http-event';
import { authenticated } from './authenticated';
import { httpHandler } from './http-handler';
import type { IdempotencyPorts } from './idempotency';
import type { AuthPorts } from './require-auth';
import { dynamoAuthAttempts } from '../../adapters/aws/dynamo-auth-attempts';
import { randomIds } from '../../adapters/random-ids';
import { logger } from '../logger';

/** POST /b/pbl/v2/payment-methods/ (Ottu's Payment Methods for a plugin). */
export function wire(ports: ListPaymentMethodsPorts & IdempotencyPorts & AuthPorts) {
  return httpHandler(
    async (event) => {
      const parsed = parseOrRefuse(paymentMethodsSchema, event.body);
      return json(200, await listPaymentMethods(ports, event.principal!, parsed, event.baseUrl));
    },
    authenticated(ports),
  );
}

export const build = () => wire({ config: dynamoConfig(), savedCards: dynamoCardReader(), idempotency: dynamoIdempotency(), attempts: dynamoAuthAttempts(), log: logger, clock: systemClock, ids: randomIds });
export const handler = lambdaEntry(build);
