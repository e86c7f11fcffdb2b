import { awsPaymentGateways } from '../../adapters/aws/gateway-secrets';
import { logger } from '../logger';
import { dynamoConfigWithWebhookKey } from '../../adapters/aws/dynamo-config-store';
import { dynamoIdempotency } from '../../adapters/aws/dynamo-idempotency-store';
import { dynamoAuditedSessions } from '../../adapters/aws/dynamo-session-repository';
import { dynamoAuthAttempts } from '../../adapters/aws/dynamo-auth-attempts';
import { randomIds } from '../../adapters/random-ids';
import { systemClock } from '../../adapters/system-clock';
import { operateSession, type OperateSessionPorts } from '../../app/operate-session';
import { signedOperationPayload } from '../../domain/operation-payload';
import { operationSchema } from '../../domain/operation-schema';
import type { OperationName } from '../../domain/operations';
import { parseOrRefuse } from '../../domain/field-errors';
import { lambdaEntry } from '../lambda-entry';
import { json } from './http-event';
import { authenticated } from './authenticated';
import { httpHandler } from './http-handler';
import type { IdempotencyPorts } from './idempotency';
import { requestOrigin, type AuthPorts } from './require-auth';
import { meteredGateways } from '../metrics';

export type SessionOperationPorts = OperateSessionPorts & AuthPorts & IdempotencyPorts;

const DONE: Record<OperationName, string> = {
  refund: 'The payment was refunded.',
  capture: 'The authorized payment was captured.',
  void: 'The authorization was voided.',
  cancel: 'The payment transaction was canceled.',
  expire: 'The payment transaction was expired.',
  delete: 'The payment transaction was deleted.',
};

/**
 * POST /b/pbl/v2/operation/ (Ottu's Payment Operations): refund, capture, void, cancel, expire,
 * delete. Internal operations answer `{detail, operation, result}`; external ones Ottu's signed
 * operation document with the child transaction in `txn`. Tracking-Key replays the first answer.
 */
export function wire(ports: SessionOperationPorts) {
  return httpHandler(
    async (event) => {
      const body = parseOrRefuse(operationSchema, event.body);
      const outcome = await operateSession(ports, {
        principal: event.principal!,
        operation: body.operation,
        sessionId: body.session_id,
        orderNo: body.order_no,
        amount: body.amount,
        trackingKey: event.headers['tracking-key'],
        origin: requestOrigin(event),
      });
      const detail = DONE[outcome.operation];
      if (!outcome.transaction) return json(200, { detail, operation: outcome.operation, result: 'success' });
      return json(200, { detail, ...signedOperationPayload(outcome.session, outcome.transaction, await ports.config.webhookKey()) });
    },
    authenticated(ports, { trackingKey: true }),
  );
}

export const build = () =>
  wire({
    // Operations commit their audit entries with them.
    sessions: dynamoAuditedSessions(),
    config: dynamoConfigWithWebhookKey(),
    idempotency: dynamoIdempotency(),
    attempts: dynamoAuthAttempts(),
    log: logger,
    gateways: meteredGateways(awsPaymentGateways()),
    clock: systemClock,
    ids: randomIds,
  });
export const handler = lambdaEntry(build);
