import { createSession } from '../../app/create-session';
import { renderSession } from '../../domain/session';
import { fullSchema } from '../../domain/session-schema';
import { lambdaEntry } from '../lambda-entry';
import { json } from './http-event';
import { authenticated } from './authenticated';
import { httpHandler } from './http-handler';
import { readSessionRequest } from './session-request';
import { awsSessionRoutePorts, type SessionRoutePorts } from './session-route-ports';

export function wire(ports: SessionRoutePorts) {
  return httpHandler(
    async (event) => {
      const session = await createSession(ports, { principal: event.principal!, request: readSessionRequest(fullSchema, event) });
      return json(201, renderSession(session, event.baseUrl));
    },
    authenticated(ports),
  );
}

export const build = () => wire(awsSessionRoutePorts());
export const handler = lambdaEntry(build);
