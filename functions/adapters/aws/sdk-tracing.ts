import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { invocationTraceHeader, setting } from '../../config/env';

/**
 * X-Ray subsegments for the AWS SDK's calls, without aws-xray-sdk-core. The functions run with
 * Lambda's active tracing, which records each invocation's segment; this adds one subsegment per
 * SDK call (service, operation, table or queue, status, retries, timing, error or throttle), sent
 * as X-Ray segment documents over UDP to the daemon Lambda runs beside the function
 * (AWS_XRAY_DAEMON_ADDRESS), under the invocation's trace (_X_AMZN_TRACE_ID, which Lambda sets
 * for each invocation), and passes the trace on in the request's X-Amzn-Trace-Id header (an SQS
 * message carries it to its consumer's trace). That is what Powertools Tracer's
 * `captureAWSv3Client` did, for about 3 KB instead of the 275 KB aws-xray-sdk-core added to
 * every bundle (docs/benchmarks.md, "Tracing"). Without a sampled trace (not on Lambda, or not
 * sampled) it does nothing at all: no document, no header, no log line.
 */

/** The invocation's trace, from Lambda's `Root=…;Parent=…;Sampled=…` header. */
export interface TraceContext {
  root: string;
  parent: string;
  sampled: boolean;
}

export function parseTraceHeader(header: string | undefined): TraceContext | undefined {
  if (!header) return undefined;
  const fields = new Map(header.split(';').map((part) => [part.slice(0, part.indexOf('=')).trim(), part.slice(part.indexOf('=') + 1).trim()] as const));
  const root = fields.get('Root');
  const parent = fields.get('Parent');
  if (!root || !parent) return undefined;
  return { root, parent, sampled: fields.get('Sampled') === '1' };
}

/** What one subsegment records of a call (the SDK's input and output, only what names the resource). */
interface CallRecord {
  service: string;
  operation: string;
  trace: TraceContext;
  id: string;
  start: number;
  end: number;
  input: Record<string, unknown>;
  status?: number;
  requestId?: string;
  attempts?: number;
  error?: { name: string; status?: number };
}

/** An X-Ray subsegment document (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html). */
export function subsegment(call: CallRecord): Record<string, unknown> {
  const status = call.error?.status ?? call.status;
  const throttled = status === 429 || /Throttl|TooManyRequests|ProvisionedThroughputExceeded|RequestLimitExceeded/.test(call.error?.name ?? '');
  const resource = (name: string) => (typeof call.input[name] === 'string' ? { [snake(name)]: call.input[name] } : {});
  return {
    type: 'subsegment',
    name: call.service,
    namespace: 'aws',
    id: call.id,
    trace_id: call.trace.root,
    parent_id: call.trace.parent,
    start_time: call.start,
    end_time: call.end,
    aws: {
      operation: call.operation,
      ...(call.requestId ? { request_id: call.requestId } : {}),
      ...(call.attempts && call.attempts > 1 ? { retries: call.attempts - 1 } : {}),
      // Resource names only: never keys, bodies or messages (they may hold customer data).
      ...resource('TableName'),
      ...resource('QueueUrl'),
      ...resource('Bucket'),
    },
    ...(status ? { http: { response: { status } } } : {}),
    ...(call.error
      ? {
          error: status === undefined || status < 500,
          fault: status !== undefined && status >= 500,
          ...(throttled ? { throttle: true } : {}),
          // The exception's type only: an SDK message may quote what was sent.
          cause: { exceptions: [{ id: randomBytes(8).toString('hex'), type: call.error.name }] },
        }
      : {}),
  };
}

const snake = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

/** The daemon's UDP address from AWS_XRAY_DAEMON_ADDRESS (`host:port`, or `udp:host:port tcp:host:port`). */
export function daemonAddress(value: string | undefined): { host: string; port: number } | undefined {
  const udp = value?.split(/\s+/).find((part) => !part.startsWith('tcp:'))?.replace(/^udp:/, '');
  const match = udp ? /^(.+):(\d{1,5})$/.exec(udp) : null;
  return match ? { host: match[1]!, port: Number(match[2]) } : undefined;
}

const DOCUMENT_HEADER = '{"format":"json","version":1}\n';
let socket: Socket | undefined;

function send(document: Record<string, unknown>): void {
  const daemon = daemonAddress(setting('AWS_XRAY_DAEMON_ADDRESS'));
  if (!daemon) return;
  // Unreferenced: a pending datagram never keeps the process (or a test) alive. A send that fails
  // loses one subsegment, never the call.
  socket ??= createSocket('udp4').unref().on('error', () => undefined);
  socket.send(DOCUMENT_HEADER + JSON.stringify(document), daemon.port, daemon.host);
}

type Handler = (args: { input: object; request?: unknown }) => Promise<{ output: { $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number } } }>;
type TracedClient = { middlewareStack: { add(middleware: (next: Handler, context: { commandName?: string }) => Handler, options: { step: 'build'; name: string }): void } };

/**
 * Adds the subsegment middleware to a client (in the `build` step: once per call, around the
 * SDK's retries, with the serialized request there to carry the trace header). `service` is the
 * X-Ray node's name (DynamoDB, SQS, S3, …).
 */
export function traceSdkCalls<T>(client: T, service: string): T {
  (client as TracedClient).middlewareStack.add(
    (next, context) => async (args) => {
      const trace = parseTraceHeader(invocationTraceHeader());
      if (!trace?.sampled) return next(args);
      const id = randomBytes(8).toString('hex');
      const headers = (args.request as { headers?: Record<string, string> } | undefined)?.headers;
      if (headers) headers['X-Amzn-Trace-Id'] = `Root=${trace.root};Parent=${id};Sampled=1`;
      const call = { service, operation: (context.commandName ?? '').replace(/Command$/, ''), trace, id, start: Date.now() / 1000, input: args.input as Record<string, unknown> };
      try {
        const result = await next(args);
        const meta = result.output.$metadata ?? {};
        send(subsegment({ ...call, end: Date.now() / 1000, status: meta.httpStatusCode, requestId: meta.requestId, attempts: meta.attempts }));
        return result;
      } catch (error) {
        const failed = error as { name?: string; $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number } };
        const meta = failed.$metadata ?? {};
        send(subsegment({ ...call, end: Date.now() / 1000, requestId: meta.requestId, attempts: meta.attempts, error: { name: failed.name ?? 'Error', status: meta.httpStatusCode } }));
        throw error;
      }
    },
    { step: 'build', name: 'xraySubsegment' },
  );
  return client;
}
