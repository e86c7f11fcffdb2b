import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { handleApi } from './api-routes';
import type { GatewayContext, MerchantSettings } from './context';
import { handleControl } from './control-routes';
import { FaultSwitches } from './faults';
import { messagePage } from './hosted-pages';
import { cancel, pay, serveScript, showForm } from './hosted-routes';
import { invalid, serverError } from './api-errors';
import { BodyTooLarge, readBody, segments, sendError, sendHtml } from './http-io';
import { DEFAULT_RETRY, Notifier, type NotificationRecord, type RetryPolicy } from './notifications';
import { OrderBook, type IdSource } from './order-book';
import { TokenVault } from './token-vault';
import { maskedPath, parsedBody, recordedHeaders, type RecordedRequest } from './request-log';
import { resolvePayment } from './resolve-payment';

/**
 * A local Mastercard Gateway (MPGS), Hosted Checkout, API version 100, on its own HTTP port:
 * the REST API, checkout.min.js, the hosted card form, webhook notifications, fault switches
 * and a request log. Development and tests only. See README.md beside this file.
 */

export type { MerchantSettings } from './context';
export type { FaultSettings, FaultState, FailureKind, NotificationMode } from './faults';
export type { NotificationRecord } from './notifications';
export type { RecordedRequest } from './request-log';

export interface LocalMpgsOptions {
  /** 0 (the default): a free port. */
  port?: number;
  /** 127.0.0.1 unless told otherwise. */
  host?: string;
  merchants: readonly MerchantSettings[];
  /** Multiplies the waits between notification attempts (0.001 in tests). */
  notificationTimeScale?: number;
  /** The rest of the notification retry policy (attempts, first delay, cap, per-attempt timeout). */
  notificationRetry?: Partial<Omit<RetryPolicy, 'timeScale'>>;
  /** The URL browsers reach the fake at, when not the one it listens on. */
  publicUrl?: string;
}

export interface LocalMpgsControl extends Pick<FaultSwitches, 'set' | 'failNext' | 'delayNext' | 'browserNeverReturns' | 'notifications' | 'reset' | 'current'> {
  /** Sends the notifications held back by the out-of-order switch; resolves when they have been answered. */
  flushNotifications(): Promise<void>;
  /** The acquirer's late answer to a payment that ended UNKNOWN (expiry 05/37), e.g. 'APPROVED'; notified as an update. Throws when there is none. */
  resolvePayment(merchantId: string, orderId: string, gatewayCode: string): void;
  clearRequests(): void;
}

export interface LocalMpgs {
  url: string;
  control: LocalMpgsControl;
  /** Every request that reached the gateway (not the control path), card data masked. */
  requests(): RecordedRequest[];
  notifications(): NotificationRecord[];
  stop(): Promise<void>;
}

const randomIds: IdSource = {
  alphanumeric: (length) => Array.from({ length }, () => '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[randomInt(36)]).join(''),
  hex: (length) => randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length),
  digits: (length) => Array.from({ length }, () => String(randomInt(10))).join(''),
};

function checkMerchants(merchants: readonly MerchantSettings[]): Map<string, MerchantSettings> {
  const byId = new Map<string, MerchantSettings>();
  for (const merchant of merchants) {
    if (!merchant.id || !merchant.password || !merchant.notificationSecret) throw new Error('every local MPGS merchant needs an id, a password and a notification secret');
    if (byId.has(merchant.id)) throw new Error(`merchant ${merchant.id} is configured twice`);
    byId.set(merchant.id, merchant);
  }
  return byId;
}

export async function startLocalMpgs(options: LocalMpgsOptions): Promise<LocalMpgs> {
  const faults = new FaultSwitches();
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.notificationRetry, timeScale: options.notificationTimeScale ?? DEFAULT_RETRY.timeScale };
  const notifier = new Notifier(policy, () => faults.current().notifications);
  const context: GatewayContext = {
    book: new OrderBook(() => new Date(), randomIds),
    vault: new TokenVault(() => new Date(), randomIds.digits),
    merchants: checkMerchants(options.merchants),
    faults,
    notifier,
    ...(options.publicUrl && { publicUrl: options.publicUrl.replace(/\/$/, '') }),
  };
  const log: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    serve(context, log, req, res).catch((error: unknown) => {
      // Never the request or its body: the hosted form's carries a card.
      process.stderr.write(`local MPGS: internal error: ${error instanceof Error ? error.name : 'unknown'}\n`);
      if (!res.headersSent) sendError(res, serverError('SERVER_FAILED'));
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    control: {
      set: (settings) => faults.set(settings),
      failNext: (...args) => faults.failNext(...args),
      delayNext: (...args) => faults.delayNext(...args),
      browserNeverReturns: (on) => faults.browserNeverReturns(on),
      notifications: (mode) => faults.notifications(mode),
      reset: () => faults.reset(),
      current: () => faults.current(),
      flushNotifications: () => notifier.flush(),
      resolvePayment: (merchantId, orderId, gatewayCode) => {
        const refused = resolvePayment(context, merchantId, orderId, gatewayCode);
        if (refused) throw new Error(refused);
      },
      clearRequests: () => void (log.length = 0),
    },
    requests: () => structuredClone(log),
    notifications: () => notifier.records(),
    stop: () =>
      new Promise<void>((resolve) => {
        notifier.stop();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function serve(context: GatewayContext, log: RecordedRequest[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local-mpgs');
  const method = req.method ?? 'GET';
  const path = segments(url.pathname);
  let body = '';
  let tooLarge = false;
  try {
    body = await readBody(req);
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) throw error;
    tooLarge = true;
  }
  if (path?.[0] === '_fake') {
    const resolve = (merchantId: string, orderId: string, gatewayCode: string) => resolvePayment(context, merchantId, orderId, gatewayCode);
    return handleControl({ faults: context.faults, notifier: context.notifier, log, resolve }, res, method, path.slice(1), body);
  }
  const entry: RecordedRequest = {
    at: new Date().toISOString(),
    method,
    path: maskedPath(`${url.pathname}${url.search}`),
    headers: recordedHeaders(req.headers),
    body: tooLarge ? '[too large]' : parsedBody(body, req.headers['content-type']),
  };
  log.push(entry);
  res.once('finish', () => (entry.status = res.statusCode));
  if (!path) return sendError(res, invalid(undefined, 'The path does not decode'));
  if (tooLarge) return sendError(res, { ...invalid(undefined, 'Request body too large'), status: 413 });
  return dispatch(context, req, res, method, path, url.searchParams, body);
}

function dispatch(context: GatewayContext, req: IncomingMessage, res: ServerResponse, method: string, path: string[], query: URLSearchParams, body: string): void | Promise<void> {
  const [first, second, third] = path;
  if (first === 'api' && second === 'rest' && third === 'version') return handleApi(context, req, res, path.slice(3), body);
  if (method === 'GET' && path.join('/') === 'static/checkout/checkout.min.js') return serveScript(context, req, res);
  if (first === 'checkout' && third !== undefined && path.length === 3) {
    if (second === 'pay' && method === 'GET') return showForm(context, res, third, query);
    if (second === 'pay' && method === 'POST') return pay(context, res, third, body);
    if (second === 'cancel' && method === 'GET') return cancel(context, res, third, query);
  }
  if (first === 'checkout') return sendHtml(res, 404, messagePage('Not found', 'There is no such page.'));
  sendError(res, { ...invalid(undefined, 'Unknown resource'), status: 404 });
}
