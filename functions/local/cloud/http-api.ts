import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { apiGatewayEvent, requestUrl } from '../api-gateway-event';
import { maskedCardToken } from '../activity-log';
import type { OnRequest } from '../local-gateway';
import { lambdaFunctionOf, resourcesOfType, type CfnTemplate } from './assembly';
import { FunctionError } from './lambda-pool';

/**
 * API Gateway HTTP API (payload 2.0) from the template: every AWS::ApiGatewayV2::Route's route
 * key, to the function its integration names. Matching follows API Gateway's rules as
 * documented: an exact route beats one with variables, which beats a greedy `{name+}`; a greedy
 * variable here also matches the empty rest of `/path/` (what a real deploy must confirm).
 */

export interface HttpRoute {
  routeKey: string;
  method: string;
  pattern: RegExp;
  params: string[];
  /** Lower is tried first. */
  rank: number;
  functionLogicalId: string;
}

/** API Gateway's integration timeout. */
const INTEGRATION_TIMEOUT_MS = 30_000;
/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function routesOf(template: CfnTemplate): HttpRoute[] {
  const integrations = new Map<string, string>();
  for (const [id, integration] of resourcesOfType(template, 'AWS::ApiGatewayV2::Integration')) {
    integrations.set(id, lambdaFunctionOf(integration.Properties?.IntegrationUri, template));
  }
  const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([id, route]) => {
    const routeKey = String(route.Properties!.RouteKey);
    const target = JSON.stringify(route.Properties!.Target ?? '');
    const integrationId = [...integrations.keys()].find((key) => target.includes(`"${key}"`));
    if (!integrationId) throw new Error(`route ${id} (${routeKey}) has no Lambda integration`);
    const [method, path] = routeKey.split(' ') as [string, string];
    const params: string[] = [];
    let greedy = false;
    let variables = 0;
    const source = path.replace(/[.*?^$()[\]|\\]/g, '\\$&').replace(/\/\{(\w+)(\+?)\}/g, (_all, name: string, plus: string) => {
      params.push(name);
      variables += 1;
      if (plus) {
        greedy = true;
        return '/(.*)';
      }
      return '/([^/]+)';
    });
    return { routeKey, method, params, pattern: new RegExp(`^${source}$`), rank: (greedy ? 1000 : 0) + variables, functionLogicalId: integrations.get(integrationId)! };
  });
  return routes.sort((a, b) => a.rank - b.rank);
}

/** `signal` aborts when the gateway gives up on the invocation (its integration timeout). */
export type Invoke = (functionLogicalId: string, event: unknown, signal?: AbortSignal) => Promise<unknown>;
type Extra = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/**
 * How long an idle client connection stays open. Node's 5 s default is longer than undici's 4 s,
 * but on a busy machine the client's timer fires late and it reuses a connection the server is
 * closing (a reset, seen by `npm run load` as failed requests); API Gateway keeps them longer.
 */
const KEEP_ALIVE_MS = 60_000;

export function createHttpApi(routes: HttpRoute[], invoke: Invoke, extra?: Extra, onRequest?: OnRequest): Server {
  const server = createServer((req, res) => {
    // API Gateway's request id: the event carries it, the handlers answer it as X-Request-Id.
    const requestId = randomUUID();
    const started = performance.now();
    res.once('finish', () =>
      onRequest?.({ method: req.method ?? 'GET', path: maskedCardToken((req.url ?? '/').split('?')[0]!), status: res.statusCode, duration_ms: Math.round(performance.now() - started), request_id: requestId }),
    );
    serve(req, res, routes, invoke, requestId, extra).catch((error: unknown) => {
      if (!res.headersSent) {
        process.stderr.write(`[http] ${req.method} ${req.url}: ${(error as Error).message}\n`);
        const { status, message } = gatewayError(error);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message }));
      }
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  return server;
}

/**
 * What API Gateway answers when the integration fails: 503 when it times out, 502 when the
 * function ran and failed (an unhandled error, or its environment died mid-invocation: Lambda's
 * Runtime.ExitError), 500 when the invocation itself could not be made. The body never says more.
 */
function gatewayError(error: unknown): { status: number; message: string } {
  if (!(error instanceof FunctionError)) return { status: 500, message: 'Internal Server Error' };
  if (error.errorType === 'Sandbox.Timedout') return { status: 503, message: 'Service Unavailable' };
  return { status: 502, message: 'Internal Server Error' };
}

async function serve(req: IncomingMessage, res: ServerResponse, routes: HttpRoute[], invoke: Invoke, requestId: string, extra?: Extra): Promise<void> {
  if (extra && (await extra(req, res))) return;
  const url = requestUrl(req);
  const method = req.method ?? 'GET';
  let match: RegExpExecArray | null = null;
  const route = routes.find((r) => (r.method === method || r.method === 'ANY') && (match = r.pattern.exec(url.pathname)) !== null);
  if (!route || !match) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'Not Found' }));
    return;
  }
  const body = await readBody(req);
  if (body === 'too-large') {
    res.writeHead(413, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'Request Entity Too Large' }));
    return;
  }
  const found: RegExpExecArray = match;
  const pathParameters = Object.fromEntries(route.params.map((name, i) => [name, found[i + 1] ?? '']));
  const event = apiGatewayEvent(req, url, route.routeKey, pathParameters, body, requestId);
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new AbortController();
  const result = (await Promise.race([
    invoke(route.functionLogicalId, event, gaveUp.signal),
    new Promise((_resolve, reject) => {
      timer = setTimeout(() => {
        gaveUp.abort();
        reject(new FunctionError('http', 'Sandbox.Timedout', 'integration timeout'));
      }, INTEGRATION_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer))) as { statusCode?: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean; cookies?: string[] };
  const headers: Record<string, string | string[]> = { ...result.headers };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : result.body ?? '');
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
