import { updateSession } from '../../app/update-session';
import { renderSession } from '../../domain/session';
import { getPorts } from '../../runtime/ports';
import { baseUrl, json, type HttpEvent } from './http-event';

/** PATCH and PUT differ only in how much of the session the body replaces. */
export function updateSessionHttp(mode: 'partial' | 'full') {
  return async (event: HttpEvent) => {
    const sessionId = event.pathParameters?.session_id ?? '';
    const base = baseUrl(event);
    const session = await updateSession(getPorts(), { principal: event.principal!, sessionId, body: event.body, mode, files: event.files, baseUrl: base });
    return json(200, renderSession(session, base));
  };
}
