import { fork } from 'node:child_process';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * A loopback proxy in front of moto that counts every AWS API call on the wire, whichever client
 * or process makes it (retries included, as AWS bills them). Service comes from the SigV4
 * credential scope; the operation from X-Amz-Target (JSON protocols), Action= (query protocols)
 * or the method and path (S3, SES v2 REST). DynamoDB writes are also weighed in write request
 * units (1 KB each, 2× inside a transaction, a PutItem on the larger of the old and new item,
 * plus the expiry index's entry writes), reads in read request units (4 KB each, half for
 * eventually consistent reads), from the items as DynamoDB sizes them.
 */

export interface Call {
  service: string;
  operation: string;
  /** DynamoDB request units the call consumes (0 for other services). */
  wru: number;
  rru: number;
  ms: number;
  /** When the request reached the proxy and when its answer was back (performance.now()): calls that overlap ran concurrently. */
  started: number;
  ended: number;
  /** DynamoDB's request (wire JSON = the low-level command input), to replay it bare. */
  body?: string;
}

export interface CallCounter {
  url: string;
  /** Calls since the last take(), then forgets them. */
  take(): Promise<Call[]>;
  close(): Promise<void>;
}

/** The counting proxy in a child process; `take()` asks it for the calls it has answered. */
export async function startCallCounter(target: string): Promise<CallCounter> {
  const child = fork(join(__dirname, 'call-counter-process.ts'), [target], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting: Array<(message: any) => void> = [];
  child.on('message', (message) => waiting.shift()?.(message));
  const next = () => new Promise<any>((resolve) => waiting.push(resolve));
  const { url } = (await next()) as { url: string };
  return {
    url,
    // Answers come in the order of the requests: the child handles its IPC messages one by one.
    // A call is recorded before its answer is sent, so every call whose answer arrived is in it.
    take: async () => {
      const answer = next();
      child.send('take');
      return (await answer) as Call[];
    },
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}

/** The proxy itself, serving in this process (the child's job). */
export async function serveCallCounter(target: string): Promise<{ url: string; take(): Call[]; close(): Promise<void> }> {
  const upstream = new URL(target);
  let calls: Call[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const started = performance.now();
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            const response = Buffer.concat(parts);
            const call = classify(req.method ?? 'GET', req.url ?? '/', req.headers, body);
            if (call) calls.push({ ...call, ...units(call, body, response, answer.statusCode === 200), ms: performance.now() - started, started, ended: performance.now(), ...(call.service === 'dynamodb' ? { body: body.toString('utf8') } : {}) });
            // moto (Werkzeug) answers `Connection: close`; passed on, it would make every SDK call
            // of the measured process open a new connection, which no client does against AWS
            // (the SDK keeps its connections alive), and the connects' CPU would count as the
            // calls'. The proxy keeps its side alive; only its own hop to moto reconnects.
            const { connection: _connection, 'keep-alive': _keepAlive, ...headers } = answer.headers;
            res.writeHead(answer.statusCode ?? 502, headers);
            res.end(response);
          });
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    take() {
      const taken = calls;
      calls = [];
      return taken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function classify(method: string, path: string, headers: IncomingHttpHeaders, body: Buffer): { service: string; operation: string } | undefined {
  const scope = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(String(headers.authorization ?? ''));
  if (!scope) return undefined; // moto's own API, not an AWS call
  const service = scope[1]!;
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return { service, operation: target.slice(target.lastIndexOf('.') + 1) };
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('utf8'));
  if (action) return { service, operation: action[1]! };
  if (service === 's3') return { service, operation: s3Operation(method, path, headers) };
  if (service === 'ses') return { service, operation: path.includes('/outbound-emails') ? 'SendEmail' : `${method} ${path.split('?')[0]}` };
  return { service, operation: `${method} ${path.split('?')[0]}` };
}

function s3Operation(method: string, path: string, headers: IncomingHttpHeaders): string {
  const keyed = path.split('?')[0]!.split('/').filter(Boolean).length > 1;
  if (method === 'PUT') return headers['x-amz-copy-source'] ? 'CopyObject' : keyed ? 'PutObject' : 'CreateBucket';
  if (method === 'GET') return keyed ? 'GetObject' : 'ListObjects';
  if (method === 'HEAD') return keyed ? 'HeadObject' : 'HeadBucket';
  if (method === 'DELETE') return keyed ? 'DeleteObject' : 'DeleteBucket';
  return `${method} object`;
}

/**
 * DynamoDB's item size, by its documented rules: attribute names and values in UTF-8 bytes, a
 * number about 1 byte per 2 digits + 1, binary its raw bytes (the wire has them in base64), 1 for
 * booleans and null, 3 for a list or map plus its elements
 * (docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html).
 */
function valueSize(value: any): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(String(value.N).replace(/^-|\./g, '').length / 2) + 1;
  if (value.B !== undefined) return Buffer.from(value.B, 'base64').length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L) return 3 + (value.L as any[]).reduce((n, v) => n + 1 + valueSize(v), 0);
  if (value.M) return 3 + itemSize(value.M);
  if (value.SS) return (value.SS as string[]).reduce((n, v) => n + Buffer.byteLength(v), 0);
  if (value.NS) return (value.NS as string[]).reduce((n, v) => n + Math.ceil(v.length / 2) + 1, 0);
  return 0;
}
const itemSize = (item: Record<string, any> = {}) => Object.entries(item).reduce((n, [name, value]) => n + Buffer.byteLength(name) + valueSize(value), 0);
const kb = (item: unknown, unit: number) => Math.max(1, Math.ceil(itemSize((item ?? {}) as Record<string, any>) / unit));

/**
 * What the counter has seen written, per item: its size (a PutItem is billed on the larger of the
 * item it replaces and the new one) and its expiry-index keys (gsi1, KEYS_ONLY: a write that adds,
 * removes or moves the keys also writes the index, 1 unit per entry put or deleted; one that
 * leaves them as they were does not).
 */
const written = new Map<string, { size: number; index?: string }>();
const itemId = (item: any) => `${item?.pk?.S}|${item?.sk?.S}`;
const indexKeys = (item: any) => (item?.gsi1pk?.S === undefined ? undefined : `${item.gsi1pk.S}|${item.gsi1sk?.S}`);
function indexWrites(before: string | undefined, after: string | undefined): number {
  if (before === after) return 0;
  return (before === undefined ? 0 : 1) + (after === undefined ? 0 : 1);
}
/** Units of putting `item`, recording it when the write succeeded. */
function putUnits(item: any, ok: boolean, factor: number): number {
  const before = written.get(itemId(item));
  const size = itemSize(item);
  const units = factor * Math.max(1, Math.ceil(Math.max(size, before?.size ?? 0) / 1024)) + indexWrites(before?.index, indexKeys(item));
  if (ok) written.set(itemId(item), { size, index: indexKeys(item) });
  return units;
}

function units(call: { service: string; operation: string }, body: Buffer, response: Buffer, ok: boolean): { wru: number; rru: number } {
  if (call.service !== 'dynamodb') return { wru: 0, rru: 0 };
  let request: any;
  let answer: any;
  try {
    request = JSON.parse(body.toString('utf8'));
    answer = JSON.parse(response.toString('utf8') || '{}');
  } catch {
    return { wru: 0, rru: 0 };
  }
  switch (call.operation) {
    case 'PutItem':
      return { wru: putUnits(request.Item, ok, 1), rru: 0 };
    case 'UpdateItem':
    case 'DeleteItem':
      // Billed on the larger of the item before and after; the answer carries it when asked for.
      if (call.operation === 'DeleteItem' && ok) written.delete(itemId(request.Key));
      return { wru: kb(answer.Attributes ?? request.Key, 1024), rru: 0 };
    case 'TransactWriteItems':
      return {
        wru: (request.TransactItems as any[]).reduce((sum, item) => sum + (item.Put ? putUnits(item.Put.Item, ok, 2) : 2 * kb(item.Update?.Key ?? item.Delete?.Key ?? item.ConditionCheck?.Key, 1024)), 0),
        rru: 0,
      };
    case 'GetItem': {
      const size = kb(answer.Item, 4096);
      return { wru: 0, rru: request.ConsistentRead ? size : size / 2 };
    }
    case 'BatchGetItem': {
      // Each item found is billed as its own GetItem: per 4 KB, half for an eventually consistent read.
      let units = 0;
      for (const [table, items] of Object.entries((answer.Responses ?? {}) as Record<string, unknown[]>)) {
        const strongly = request.RequestItems?.[table]?.ConsistentRead === true;
        for (const item of items) units += (strongly ? 1 : 0.5) * kb(item, 4096);
      }
      return { wru: 0, rru: units };
    }
    case 'Query':
      return { wru: 0, rru: ((request.ConsistentRead ? 1 : 0.5) * Math.ceil(Math.max(1, Buffer.byteLength(JSON.stringify(answer.Items ?? []))) / 4096)) };
    default:
      return { wru: 0, rru: 0 };
  }
}
