import type { MiddlewareObj } from '@middy/core';
import { authenticate } from '../../app/authenticate';
import type { Ports } from '../../ports';
import type { HttpEvent } from './http-event';

export type AuthPorts = Pick<Ports, 'config'>;

/** Sets `event.principal` from the Authorization header, or fails with 401. */
export function requireAuth(ports: AuthPorts): MiddlewareObj<HttpEvent> {
  return {
    before: async ({ event }) => {
      event.principal = await authenticate(await ports.config.load(), event.headers.authorization);
    },
  };
}
