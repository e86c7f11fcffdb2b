import { updateSession } from '../../app/update-session';
import { renderSession } from '../../domain/session';
import { fullSchema, partialSchema } from '../../domain/session-schema';
import { json } from './http-event';
import { authenticated } from './authenticated';
import { httpHandler } from './http-handler';
import { readSessionRequest } from './session-request';
import type { SessionRoutePorts } from './session-route-ports';

/** PATCH and PUT differ only in how much of the session the body replaces. */
export function updateSessionRoute(mode: 'partial' | 'full', ports: SessionRoutePorts) {
  return httpHandler(
    async (event) => {
      const request = readSessionRequest(mode === 'full' ? fullSchema : partialSchema, event);
      const session = await updateSession(ports, { principal: event.principal!, sessionId: event.pathParameters?.session_id ?? '', request, mode });
      return json(200, renderSession(session, event.baseUrl));
    },
    authenticated(ports),
  );
}
