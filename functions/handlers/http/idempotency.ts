import type { MiddlewareObj } from '@middy/core';
import { createHash } from 'node:crypto';
import { BadRequestError, ConflictError } from '../../domain/errors';
import type { Ports } from '../../ports';
import { errorResponse } from './error-response';
import type { HttpEvent, HttpResult } from './http-event';

const KEY = /^[\x21-\x7e]{1,255}$/;

export type IdempotencyPorts = Pick<Ports, 'idempotency' | 'clock'>;

export interface IdempotencyOptions {
  /**
   * Also honour Ottu's `Tracking-Key` (the operation route) by the same rule as Idempotency-Key:
   * the same key and body return the first result, another body is a 409 (a refund of 2 under the
   * key of a refund of 1 must not answer as if it had refunded 2). The key names one operation, so
   * a repeat that arrives while the first is still running waits for its answer instead of a 409.
   */
  trackingKey?: boolean;
}

/** How long a repeated Tracking-Key waits for the first request's answer, and how often it looks. */
const TRACKING_WAIT_MS = 10_000;
const TRACKING_POLL_MS = 50;

/**
 * Stripe-style `Idempotency-Key` on POST: the same key with the same body returns the first
 * response again; with another body, 409. Keys are scoped to the caller and the route. 5xx
 * answers are not remembered, so a retry after a server fault runs again.
 */
export function idempotency(ports: IdempotencyPorts, options: IdempotencyOptions = {}): MiddlewareObj<HttpEvent, HttpResult> {
  const claims = new WeakMap<object, { key: string; fingerprint: string }>();
  const remember = async (event: HttpEvent, response: HttpResult) => {
    const claim = claims.get(event);
    if (!claim) return;
    if (response.statusCode >= 500) await ports.idempotency.release(claim.key);
    else await ports.idempotency.complete(claim.key, claim.fingerprint, JSON.stringify(response), ports.clock.now());
  };
  return {
    before: async ({ event }) => {
      const idempotencyKey = event.headers['idempotency-key'];
      const trackingKey = options.trackingKey && idempotencyKey === undefined ? event.headers['tracking-key'] : undefined;
      const key = idempotencyKey ?? trackingKey;
      const header = trackingKey === undefined ? 'Idempotency-Key' : 'Tracking-Key';
      if (key === undefined || event.requestContext.http.method !== 'POST') return;
      if (!KEY.test(key)) throw new BadRequestError(`${header} must be 1 to 255 printable ASCII characters.`);
      const kind = trackingKey === undefined ? '' : 'tracking:';
      const scoped = `${kind}${event.principal?.kind ?? 'anonymous'}:${event.principal?.id ?? ''}:${event.routeKey}:${key}`;
      const fingerprint = fingerprintOf(event);
      let begun = await ports.idempotency.begin(scoped, fingerprint, ports.clock.now());
      // A repeated Tracking-Key waits for the first request's answer (it is one operation).
      for (let waited = 0; trackingKey !== undefined && begun.status === 'in_progress' && waited < TRACKING_WAIT_MS; waited += TRACKING_POLL_MS) {
        await new Promise((resolve) => setTimeout(resolve, TRACKING_POLL_MS));
        begun = await ports.idempotency.begin(scoped, fingerprint, ports.clock.now());
      }
      if (begun.status === 'in_progress') throw new ConflictError(`A request with this ${header} is still being processed.`);
      if (begun.status === 'completed') {
        if (begun.fingerprint !== fingerprint) throw new ConflictError(`This ${header} was already used with a different request body.`);
        // The store keeps our own serialized response; it is replayed as it was sent.
        const stored = JSON.parse(begun.response) as HttpResult;
        return { ...stored, headers: { ...stored.headers, 'idempotent-replayed': 'true' } };
      }
      claims.set(event, { key: scoped, fingerprint });
    },
    after: async ({ event, response }) => {
      if (response) await remember(event, response);
    },
    onError: async ({ event, error }) => {
      await remember(event, errorResponse(error));
    },
  };
}

/**
 * What makes two requests "the same". A multipart body's boundary is random per request, so a
 * client retrying the same upload sends different bytes: hash its fields and files instead.
 */
function fingerprintOf(event: HttpEvent): string {
  const hash = createHash('sha256');
  if (!event.files) return hash.update(event.rawBody ?? Buffer.alloc(0)).digest('hex');
  hash.update(JSON.stringify(event.body));
  for (const file of event.files) {
    hash.update(`\0${file.field}\0${file.filename}\0`).update(createHash('sha256').update(file.content).digest('hex'));
  }
  return hash.digest('hex');
}
