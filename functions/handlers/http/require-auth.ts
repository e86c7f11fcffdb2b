import type { MiddlewareObj } from '@middy/core';
import { authenticate, type AuthenticatePorts } from '../../app/authenticate';
import type { RequestOrigin } from '../../domain/audit';
import type { HttpEvent } from './http-event';

export type AuthPorts = AuthenticatePorts;

/** Where the request came from, as API Gateway saw it: what refusals and audit entries record. */
export function requestOrigin(event: HttpEvent): RequestOrigin {
  return { address: event.requestContext.http?.sourceIp ?? 'unknown', requestId: event.requestContext.requestId };
}

/** Sets `event.principal` from the Authorization header, or fails with 401 (429 when locked out). */
export function requireAuth(ports: AuthPorts): MiddlewareObj<HttpEvent> {
  return {
    before: async ({ event }) => {
      event.principal = await authenticate(ports, { authorization: event.headers.authorization, ...requestOrigin(event) });
    },
  };
}
