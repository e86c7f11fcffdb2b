import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ROUTES, type Route } from '../config/routes';
import { NotFoundError } from '../domain/errors';
import { errorResponse } from '../handlers/http/error-response';
import { MethodNotAllowedError, PayloadTooLargeError } from '../handlers/http/http-errors';
import type { HttpResult } from '../handlers/http/http-event';
import type { LambdaHttpHandler } from '../handlers/http/http-handler';
import { MAX_BODY_BYTES } from '../handlers/http/parse-body';
import { maskedCardToken, type RequestRecord } from './activity-log';
import { apiGatewayEvent, requestUrl } from './api-gateway-event';
import { lambdaContext } from './lambda-context';

/** API Gateway's integration timeout. */
const API_TIMEOUT_MS = 29_000;

/**
 * A stand-in for API Gateway (HTTP API, payload v2) on node:http: it matches the route table,
 * builds the same event API Gateway would, and calls the route's Lambda handler module.
 */

type Matcher = { route: Route; pattern: RegExp; params: string[] };
type Extra = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

const matchers: Matcher[] = ROUTES.map((route) => {
  const params: string[] = [];
  const source = route.path.replace(/[.+*?^$()[\]|\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_all, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  return { route, params, pattern: new RegExp(`^${source}/?$`) };
});

/** A handler module as the gateway loads it: `wire` takes the ports, `build` makes its AWS ones. */
export interface HandlerModule {
  wire(ports: object, settings?: object): LambdaHttpHandler;
  build(): LambdaHttpHandler;
}

/** How the gateway gets a route's Lambda handler from its module (wired to embedded ports, or built for AWS). */
export type HandlerFor = (module: HandlerModule) => LambdaHttpHandler;

/** What the gateway tells about each request it served (npm start prints one line each). */
export type OnRequest = (record: RequestRecord) => void;

/**
 * `handlerFor` turns each route's module into its handler, once per route; `extra` serves
 * local-only pages (outbox viewer, …) before the route table is consulted; `onRequest` hears of
 * every response, with its status, duration and request id.
 */
export function createGateway(handlerFor: HandlerFor, extra?: Extra, onRequest?: OnRequest): Server {
  const loaded = new Map<string, Promise<LambdaHttpHandler>>();
  const load = (route: Route) => {
    let handler = loaded.get(route.handler);
    if (!handler) {
      handler = (import(`../handlers/${route.handler}`) as Promise<HandlerModule>).then(handlerFor);
      loaded.set(route.handler, handler);
    }
    return handler;
  };
  return createServer((req, res) => {
    // API Gateway's request id: every response carries it (X-Request-Id), the handler's logs too.
    const requestId = randomUUID();
    const started = performance.now();
    res.setHeader('x-request-id', requestId);
    res.once('finish', () => {
      const path = maskedCardToken((req.url ?? '/').split('?')[0]!);
      const named = namedSessions.get(res);
      const sessionId = /\/(?:pymt-txn|checkout|_local\/sessions)\/([0-9a-f]{40})(?:\/|$)/.exec(path)?.[1] ?? named?.session_id;
      onRequest?.({
        method: req.method ?? 'GET',
        path,
        status: res.statusCode,
        duration_ms: Math.round(performance.now() - started),
        request_id: requestId,
        ...(typeof sessionId === 'string' && { session_id: sessionId }),
        ...(!sessionId && named?.order_no && { order_no: named.order_no }),
      });
    });
    serve(req, res, load, requestId, extra).catch((error: unknown) => send(res, errorResponse(error)));
  });
}

async function serve(req: IncomingMessage, res: ServerResponse, load: (route: Route) => Promise<LambdaHttpHandler>, requestId: string, extra?: Extra): Promise<void> {
  if (extra && (await extra(req, res))) return;
  // Origin-form paths are joined, not resolved: `//x` is a path here, not a host (else 500).
  const url = requestUrl(req);
  const candidates = matchers.map((m) => ({ m, match: m.pattern.exec(url.pathname) })).filter((c) => c.match);
  if (candidates.length === 0) throw new NotFoundError('Not found.');
  const hit = candidates.find((c) => c.m.route.method === req.method);
  if (!hit) throw new MethodNotAllowedError(req.method ?? '');
  const body = await readBody(req);
  // As API Gateway does: raw, percent-escapes and all; the handler's middleware decodes them.
  const pathParameters = Object.fromEntries(hit.m.params.map((name, i) => [name, hit.match![i + 1]!]));
  const event = apiGatewayEvent(req, url, `${hit.m.route.method} ${hit.m.route.path}`, pathParameters, body, requestId);
  const handler = await load(hit.m.route);
  const result = await handler(event, lambdaContext(hit.m.route.id, Date.now() + API_TIMEOUT_MS, event.requestContext.requestId));
  namedSessions.set(res, sessionNamed(body, result.body));
  send(res, result);
}

/**
 * The session a request was about when its path does not say: the one its answer names (a
 * create, a refund), else the session_id or order_no its body named (a cancel, a refused
 * operation), so its request line and the dashboard's session page can show it.
 */
const namedSessions = new WeakMap<ServerResponse, { session_id?: string; order_no?: string }>();

function sessionNamed(requestBody: Buffer, answer: string | undefined): { session_id?: string; order_no?: string } {
  const answered = /"session_id":"([0-9a-f]{40})"/.exec(answer ?? '')?.[1];
  if (answered) return { session_id: answered };
  if (requestBody.length === 0 || requestBody.length > 64 * 1024) return {};
  const text = requestBody.toString('utf8');
  let fields: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') fields = parsed as Record<string, unknown>;
  } catch {
    fields = Object.fromEntries(new URLSearchParams(text));
  }
  const sessionId = typeof fields.session_id === 'string' && /^[0-9a-f]{40}$/.test(fields.session_id) ? fields.session_id : undefined;
  const orderNo = typeof fields.order_no === 'string' && fields.order_no ? fields.order_no : undefined;
  return sessionId ? { session_id: sessionId } : orderNo ? { order_no: orderNo } : {};
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume(); // drain, so the client reads our 413 instead of a reset connection
        reject(new PayloadTooLargeError(MAX_BODY_BYTES));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}


function send(res: ServerResponse, result: HttpResult & { isBase64Encoded?: boolean; cookies?: string[] }): void {
  if (res.headersSent) return;
  const headers: Record<string, string | string[]> = { ...result.headers };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body ?? '';
  res.writeHead(result.statusCode, headers);
  res.end(body);
}
