import { dynamoAuthAttempts } from '../../adapters/aws/dynamo-auth-attempts';
import { dynamoConfig } from '../../adapters/aws/dynamo-config-store';
import { dynamoIdempotency } from '../../adapters/aws/dynamo-idempotency-store';
import { dynamoCardReader } from '../../adapters/aws/dynamo-saved-cards';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { listCards, type ListCardsPorts } from '../../app/list-cards';
import { listCardsSchema } from '../../domain/operation-schema';
import { parseOrRefuse } from '../../domain/field-errors';
import { lambdaEntry } from '../lambda-entry';
import { logger } from '../logger';
import { json } from './http-event';
import { authenticated } from './authenticated';
import { httpHandler } from './http-handler';
import type { IdempotencyPorts } from './idempotency';
import type { AuthPorts } from './require-auth';

/** POST /b/pbl/v2/card/ (Ottu's get_user_cards): the customer's saved cards. */
export function wire(ports: ListCardsPorts & IdempotencyPorts & AuthPorts) {
  return httpHandler(
    async (event) => {
      const body = parseOrRefuse(listCardsSchema, event.body);
      return json(200, await listCards(ports, { principal: event.principal!, customerId: body.customer_id, type: body.type, pgCodes: body.pg_codes, agreementId: body.agreement_id }));
    },
    authenticated(ports),
  );
}

export const build = () => wire({ config: dynamoConfig(), savedCards: dynamoCardReader(), idempotency: dynamoIdempotency(), attempts: dynamoAuthAttempts(), log: logger, clock: systemClock, ids: randomIds });
export const handler = lambdaEntry(build);
