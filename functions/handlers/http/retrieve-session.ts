import { dynamoConfig } from '../../adapters/aws/dynamo-config-store';
import { dynamoAuthAttempts } from '../../adapters/aws/dynamo-auth-attempts';
import { dynamoSessionReader } from '../../adapters/aws/dynamo-session-repository';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { getSession, type GetSessionPorts } from '../../app/get-session';
import { setting } from '../../config/env';
import { PermissionDeniedError } from '../../domain/errors';
import { mayOnPlugin } from '../../domain/permissions';
import { publicSessionView, renderSession } from '../../domain/session';
import { lambdaEntry } from '../lambda-entry';
import { logger } from '../logger';
import { json } from './http-event';
import { httpHandler } from './http-handler';
import { authenticateRequest, type AuthPorts } from './require-auth';

export interface RetrieveSettings {
  /** CHECKOUT_RETRIEVE_REQUIRES_AUTH: credentials required, as on Ottu's live API. */
  requireAuth?: boolean;
}

/**
 * Public, as the seed says (the unguessable 160-bit session id is the capability), unless the
 * stage requires credentials. Without credentials it shows the transaction but not where and to
 * whom the merchant is notified; with them (and `view` on the session's plugin), everything.
 * A public GET reads no configuration: only one given credentials authenticates.
 */
export function wire(ports: GetSessionPorts & AuthPorts, { requireAuth = false }: RetrieveSettings = {}) {
  return httpHandler(async (event) => {
    const authorization = event.headers.authorization;
    const principal = authorization || requireAuth ? await authenticateRequest(ports, event) : undefined;
    const session = await getSession(ports, event.pathParameters?.session_id ?? '');
    if (principal && !mayOnPlugin(principal, session.type, 'view')) throw new PermissionDeniedError();
    const document = renderSession(session, event.baseUrl);
    return json(200, principal ? document : publicSessionView(document));
  });
}

export const build = () =>
  wire(
    { sessions: dynamoSessionReader(), config: dynamoConfig(), attempts: dynamoAuthAttempts(), log: logger, clock: systemClock, ids: randomIds },
    { requireAuth: setting('CHECKOUT_RETRIEVE_REQUIRES_AUTH') },
  );
export const handler = lambdaEntry(build);
