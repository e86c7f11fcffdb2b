import type { MiddlewareObj } from '@middy/core';
import { authenticate } from '../../app/authenticate';
import { getPorts } from '../../runtime/ports';
import type { HttpEvent } from './http-event';

/** Sets `event.principal` from the Authorization header, or fails with 401. */
export function requireAuth(): MiddlewareObj<HttpEvent> {
  return {
    before: async ({ event }) => {
      const config = await getPorts().config.load();
      event.principal = await authenticate(config, event.headers.authorization);
    },
  };
}
