import { followShortLink } from '../../app/follow-short-link';
import { getPorts } from '../../runtime/ports';
import { baseUrl, type HttpEvent, type HttpResult } from './http-event';
import { httpHandler } from './http-handler';

export async function followShortLinkHttp(event: HttpEvent): Promise<HttpResult> {
  const target = await followShortLink(getPorts(), event.pathParameters?.code ?? '');
  const location = target.startsWith('/') ? baseUrl(event) + target : target;
  return { statusCode: 302, headers: { location, 'cache-control': 'no-store' }, body: '' };
}

export const handler = httpHandler(followShortLinkHttp, { auth: false });
