import type { ServerResponse } from 'node:http';
import type { FaultSwitches } from './faults';
import { sendJson } from './http-io';
import type { Notifier } from './notifications';
import type { RecordedRequest } from './request-log';

/**
 * The control path, for a test driving a fake in another process (the local cloud):
 *
 *   GET    /_fake/requests              the request log (DELETE clears it)
 *   GET    /_fake/faults                the fault switches (POST sets some, DELETE clears all)
 *   GET    /_fake/notifications         every webhook notification and its attempts
 *   POST   /_fake/notifications/flush   sends the held (out-of-order) notifications now
 *   POST   /_fake/orders/{merchantId}/{orderId}/resolve   {"gatewayCode": "APPROVED" | …}: the
 *          acquirer's late answer to a payment that ended UNKNOWN (notified as an update)
 */

export interface ControlTargets {
  faults: FaultSwitches;
  notifier: Notifier;
  log: RecordedRequest[];
  /** The late answer to an UNKNOWN payment; an error message when there is none to resolve. */
  resolve(merchantId: string, orderId: string, gatewayCode: string): string | undefined;
}

export function handleControl(targets: ControlTargets, res: ServerResponse, method: string, path: string[], body: string): void {
  const route = `${method} ${path.join('/')}`;
  switch (route) {
    case 'GET requests':
      return sendJson(res, 200, targets.log);
    case 'DELETE requests':
      targets.log.length = 0;
      return sendJson(res, 200, { cleared: true });
    case 'GET faults':
      return sendJson(res, 200, targets.faults.current());
    case 'DELETE faults':
      targets.faults.reset();
      return sendJson(res, 200, targets.faults.current());
    case 'POST faults': {
      try {
        return sendJson(res, 200, targets.faults.set(JSON.parse(body || '{}')));
      } catch (error) {
        return sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
      }
    }
    case 'GET notifications':
      return sendJson(res, 200, targets.notifier.records());
    case 'POST notifications/flush':
      // Started, not awaited: a failing receiver would hold this answer for the whole retry schedule.
      void targets.notifier.flush();
      return sendJson(res, 202, { flushing: true });
    default:
      if (method === 'POST' && path.length === 4 && path[0] === 'orders' && path[3] === 'resolve') {
        let gatewayCode: unknown;
        try {
          gatewayCode = (JSON.parse(body || '{}') as { gatewayCode?: unknown }).gatewayCode;
        } catch {
          return sendJson(res, 400, { error: 'the body must be JSON: {"gatewayCode": "APPROVED"}' });
        }
        const refused = typeof gatewayCode === 'string' ? targets.resolve(path[1]!, path[2]!, gatewayCode) : 'gatewayCode is required';
        return refused ? sendJson(res, 400, { error: refused }) : sendJson(res, 200, { resolved: true });
      }
      return sendJson(res, 404, { error: `no control route ${method} /_fake/${path.join('/')}` });
  }
}
