import { ServiceUnavailableError } from '../domain/errors';
import type { Ports } from '../ports';

/** With ~59 bits per code a collision is rare; a few tries make a failure practically impossible. */
const ATTEMPTS = 5;

/** Stores a new short link to `target` and returns its code; a taken code is never overwritten. */
export async function shortenUrl(ports: Pick<Ports, 'shortLinks' | 'ids'>, target: string): Promise<string> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const code = ports.ids.shortCode();
    if (await ports.shortLinks.create(code, target)) return code;
  }
  throw new ServiceUnavailableError('Could not allocate a short link, try again.');
}
