import { dynamoConfigReader } from '../../adapters/aws/dynamo-config-store';
import { csrfSecret } from '../../adapters/aws/secrets-manager-secret';
import type { Ports } from '../../ports';
import { dynamoSessions } from '../../adapters/aws/dynamo-session-repository';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { inFlight } from '../../app/in-flight';
import { openCheckout, type OpenCheckoutPorts } from '../../app/open-checkout';
import { lambdaEntry } from '../lambda-entry';
import { csrf } from './checkout-csrf';
import { checkoutPageResponse } from './checkout-response';
import { httpHandler } from './http-handler';

/** The hosted checkout page: the payment form, or the receipt / expiry / failure of the session. */
export function wire(ports: OpenCheckoutPorts & Pick<Ports, 'csrfSecret'>) {
  const tokens = csrf(ports);
  return httpHandler(
    async (event) => {
      const sessionId = event.pathParameters?.session_id ?? '';
      // The form's token is signed with a key a cold start reads from Secrets Manager: fetched
      // while the session is opened rather than after.
      const issuing = inFlight(tokens.issue(event, sessionId));
      const { session, attemptsLeft } = await openCheckout(ports, sessionId);
      const issued = await issuing;
      const pgCode = event.queryStringParameters?.pg_code;
      return checkoutPageResponse(200, { session, csrfToken: issued.token, pgCode, attemptsLeft }, issued.cookies);
    },
    { errors: 'html' },
  );
}

export const build = () => wire({ sessions: dynamoSessions(), config: dynamoConfigReader(), csrfSecret: csrfSecret(), clock: systemClock, ids: randomIds });
export const handler = lambdaEntry(build);
