import { getSession } from '../../app/get-session';
import { renderSession } from '../../domain/session';
import { getPorts } from '../../runtime/ports';
import { baseUrl, json, type HttpEvent } from './http-event';
import { httpHandler } from './http-handler';

/** Public, as the seed says: the unguessable 160-bit session id is the capability. */
export async function retrieveSessionHttp(event: HttpEvent) {
  const session = await getSession(getPorts(), event.pathParameters?.session_id ?? '');
  return json(200, renderSession(session, baseUrl(event)));
}

export const handler = httpHandler(retrieveSessionHttp, { auth: false });
