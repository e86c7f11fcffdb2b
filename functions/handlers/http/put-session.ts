import { httpHandler } from './http-handler';
import { updateSessionHttp } from './update-session';

export const putSessionHttp = updateSessionHttp('full');
export const handler = httpHandler(putSessionHttp, { auth: true });
