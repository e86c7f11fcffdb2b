import type { MiddlewareObj } from '@middy/core';
import { authenticate, type AuthenticatePorts } from '../../app/authenticate';
import type { RequestOrigin } from '../../domain/audit';
import { AuthenticationError, TooManyAttemptsError } from '../../domain/errors';
import type { Principal } from '../../domain/permissions';
import { countAuthRefusal } from '../metrics';
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
      event.principal = await authenticateRequest(ports, event);
    },
  };
}

/** The request's principal; a refusal is also one `AuthRefused` datapoint, by status. */
export async function authenticateRequest(ports: AuthPorts, event: HttpEvent): Promise<Principal> {
  const origin = requestOrigin(event);
  try {
    return await authenticate(ports, { authorization: event.headers.authorization, ...origin });
  } catch (error) {
    if (error instanceof TooManyAttemptsError) countAuthRefusal(429, origin.requestId);
    else if (error instanceof AuthenticationError) countAuthRefusal(401, origin.requestId);
    throw error;
  }
}
