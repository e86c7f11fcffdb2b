import { dynamoSessionReader } from '../../adapters/aws/dynamo-session-repository';
import { getSession, type GetSessionPorts } from '../../app/get-session';
import { lambdaEntry } from '../lambda-entry';
import { redirect } from './http-event';
import { httpHandler } from './http-handler';

/** `checkout_url`: sends the customer on to the hosted page (404 page for an unknown session). */
export function wire(ports: GetSessionPorts) {
  return httpHandler(
    async (event) => {
      const session = await getSession(ports, event.queryStringParameters?.session_id ?? '');
      return redirect(302, `${event.baseUrl}/checkout/${session.session_id}`);
    },
    { errors: 'html' },
  );
}

export const build = () => wire({ sessions: dynamoSessionReader() });
export const handler = lambdaEntry(build);
