import { dynamoSessionReader } from '../../adapters/aws/dynamo-session-repository';
import { getSession, type GetSessionPorts } from '../../app/get-session';
import { renderSession } from '../../domain/session';
import { lambdaEntry } from '../lambda-entry';
import { json } from './http-event';
import { httpHandler } from './http-handler';

/** Public, as the seed says: the unguessable 160-bit session id is the capability. */
export function wire(ports: GetSessionPorts) {
  return httpHandler(async (event) => {
    const session = await getSession(ports, event.pathParameters?.session_id ?? '');
    return json(200, renderSession(session, event.baseUrl));
  });
}

export const build = () => wire({ sessions: dynamoSessionReader() });
export const handler = lambdaEntry(build);
