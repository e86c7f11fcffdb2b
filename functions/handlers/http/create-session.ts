import { createSession } from '../../app/create-session';
import { renderSession } from '../../domain/session';
import { getPorts } from '../../runtime/ports';
import { baseUrl, json, type HttpEvent } from './http-event';
import { httpHandler } from './http-handler';

export async function createSessionHttp(event: HttpEvent) {
  const base = baseUrl(event);
  const session = await createSession(getPorts(), { principal: event.principal!, body: event.body, files: event.files, baseUrl: base });
  return json(201, renderSession(session, base));
}

export const handler = httpHandler(createSessionHttp, { auth: true });
