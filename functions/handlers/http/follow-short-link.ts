import { dynamoShortLinkReader } from '../../adapters/aws/dynamo-short-links';
import { followShortLink } from '../../app/follow-short-link';
import type { ShortLinkReader } from '../../ports';
import { lambdaEntry } from '../lambda-entry';
import { httpHandler } from './http-handler';

export function wire(ports: { shortLinks: ShortLinkReader }) {
  return httpHandler(async (event) => {
    const target = await followShortLink(ports, event.pathParameters?.code ?? '');
    const location = target.startsWith('/') ? event.baseUrl + target : target;
    return { statusCode: 302, headers: { location, 'cache-control': 'no-store' }, body: '' };
  });
}

export const build = () => wire({ shortLinks: dynamoShortLinkReader() });
export const handler = lambdaEntry(build);
