import { httpHandler } from './http-handler';
import { updateSessionHttp } from './update-session';

export const patchSessionHttp = updateSessionHttp('partial');
export const handler = httpHandler(patchSessionHttp, { auth: true });
