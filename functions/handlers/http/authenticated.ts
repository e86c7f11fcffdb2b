import { idempotency, type IdempotencyOptions, type IdempotencyPorts } from './idempotency';
import { requireAuth, type AuthPorts } from './require-auth';
import type { HttpMiddleware } from './http-handler';

/**
 * The innermost middleware of a route that needs `Authorization` (Api-Key or Basic): the caller,
 * then Idempotency-Key on POSTs (innermost of all, so it records the final answer). Kept apart from
 * http-handler.ts so the customer's public routes (page, pay, return) bundle no authentication.
 */
export function authenticated(ports: AuthPorts & IdempotencyPorts, options?: IdempotencyOptions): { middleware: HttpMiddleware[] } {
  return { middleware: [requireAuth(ports), idempotency(ports, options)] };
}
