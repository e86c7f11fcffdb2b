import { meteredGateways } from '../metrics';
import { dynamoAuthAttempts } from '../../adapters/aws/dynamo-auth-attempts';
import { dynamoConfig } from '../../adapters/aws/dynamo-config-store';
import { dynamoIdempotency } from '../../adapters/aws/dynamo-idempotency-store';
import { dynamoCardKeeper } from '../../adapters/aws/dynamo-saved-cards';
import { awsPaymentGateways } from '../../adapters/aws/gateway-secrets';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { deleteCard, type DeleteCardPorts } from '../../app/delete-card';
import { deleteCardSchema } from '../../domain/operation-schema';
import { parseOrRefuse } from '../../domain/field-errors';
import type { Log } from '../../ports';
import { lambdaEntry } from '../lambda-entry';
import { logger } from '../logger';
import { authenticated } from './authenticated';
import { httpHandler } from './http-handler';
import type { IdempotencyPorts } from './idempotency';
import type { AuthPorts } from './require-auth';

/** DELETE /b/pbl/v2/card/{token}/?customer_id=…&type=… (Ottu's delete_user_cards): 204 once deleted at the gateway and here. */
export function wire(ports: DeleteCardPorts & IdempotencyPorts & AuthPorts) {
  return httpHandler(
    async (event) => {
      const parsed = parseOrRefuse(deleteCardSchema, event.queryStringParameters ?? {});
      await deleteCard(ports, { principal: event.principal!, customerId: parsed.customer_id, token: event.pathParameters?.token ?? '', type: parsed.type });
      return { statusCode: 204, headers: {}, body: '' };
    },
    authenticated(ports),
  );
}

export const build = () =>
  wire({
    config: dynamoConfig(),
    gateways: meteredGateways(awsPaymentGateways()),
    savedCards: dynamoCardKeeper(),
    log: logger as Log,
    idempotency: dynamoIdempotency(),
    attempts: dynamoAuthAttempts(),
    clock: systemClock,
    ids: randomIds,
  });
export const handler = lambdaEntry(build);
