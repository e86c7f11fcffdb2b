import { dynamoShortLinks } from '../../adapters/aws/dynamo-short-links';
import { followShortLink } from '../../app/follow-short-link';
import type { Ports } from '../../ports';
import { lambdaEntry } from '../lambda-entry';
import { httpHandler } from './http-handler';

export function wire(ports: Pick<Ports, 'shortLinks'>) {
  return httpHandler(async (event) => {
    const target = await followShortLink(ports, event.pathParameters?.code ?? '');
    const location = target.startsWith('/') ? event.baseUrl + target : target;
    return { statusCode: 302, headers: { location, 'cache-control': 'no-store' }, body: '' };
  });
}

export const build = () => wire({ shortLinks: dynamoShortLinks() });
export const handler = lambdaEntry(build);
