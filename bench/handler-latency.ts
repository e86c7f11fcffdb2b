import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { performance } from 'node:perf_hooks';
import { wire as wireCreate } from '../functions/handlers/http/create-session';
import { wire as wirePatch } from '../functions/handlers/http/patch-session';
import { wire as wireRetrieve } from '../functions/handlers/http/retrieve-session';
import { startLocal } from '../functions/local/local-runtime';
import { percentile, round } from './stats';

/**
 * handler_us: in-process invocations through the full middy stack on the embedded adapters,
 * against a floor that parses the same request and serialises the same response bare.
 */

const API_KEY = 'bench.handler-latency-key';
const BODY = JSON.stringify({ type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '14', currency_code: 'KWD', customer_email: 'a@example.com' });

function event(method: string, path: string, body?: string, sessionId?: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'bench.local', 'content-type': 'application/json', authorization: `Api-Key ${API_KEY}` },
    pathParameters: sessionId ? { session_id: sessionId } : undefined,
    isBase64Encoded: false,
    body,
    requestContext: {
      accountId: 'bench',
      apiId: 'bench',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: 'bench',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
  };
}

const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 29_000 } as unknown as Context;

async function measure(iterations: number, invoke: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < Math.min(1000, iterations); i++) await invoke(); // warm up the JIT
  const samples = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await invoke();
    samples[i] = (performance.now() - start) * 1000;
  }
  return { p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)) };
}

/** The floor: the same JSON in, the same JSON out, nothing in between. */
async function floor(body: string, response: unknown) {
  JSON.parse(body);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(response) };
}

export async function handlerLatency(iterations: number) {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const runtime = await startLocal({ port: 0, env: { CHECKOUT_DEMO_API_KEY: API_KEY } });
  // The handler modules wired to the embedded ports, called directly (no HTTP in between).
  const [createHandler, retrieveHandler, patchHandler] = [wireCreate(runtime.ports), wireRetrieve(runtime.ports), wirePatch(runtime.ports)];
  try {
    const created = await createHandler(event('POST', '/b/checkout/v1/pymt-txn', BODY), context);
    const sessionId = JSON.parse(created.body).session_id as string;
    const path = `/b/checkout/v1/pymt-txn/${sessionId}`;
    const document = JSON.parse(created.body);
    const patchBody = JSON.stringify({ vendor_name: 'bench' });
    const results = {
      create: await measure(iterations, () => createHandler(event('POST', '/b/checkout/v1/pymt-txn', BODY), context)),
      retrieve: await measure(iterations, () => retrieveHandler(event('GET', path, undefined, sessionId), context)),
      patch: await measure(iterations, () => patchHandler(event('PATCH', path, patchBody, sessionId), context)),
      floor: await measure(iterations, () => floor(BODY, document)),
    };
    return results;
  } finally {
    await runtime.close();
  }
}
