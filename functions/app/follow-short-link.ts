import { NotFoundError } from '../domain/errors';
import { isShortCode } from '../domain/short-link';
import type { ShortLinkReader } from '../ports';

/** The target of a short link (possibly a path relative to the API's base URL). */
export async function followShortLink(ports: { shortLinks: ShortLinkReader }, code: string): Promise<string> {
  // A malformed code cannot exist, so it costs no read.
  const target = isShortCode(code) ? await ports.shortLinks.resolve(code) : undefined;
  if (target === undefined) throw new NotFoundError('Not found.');
  return target;
}
