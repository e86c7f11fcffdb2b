import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback proxy in front of moto that counts every AWS API call on the wire, whichever client
 * or process makes it (retries included, as AWS bills them). Service comes from the SigV4
 * credential scope; the operation from X-Amz-Target (JSON protocols), Action= (query protocols)
 * or the method and path (S3, SES v2 REST). DynamoDB writes are also weighed in write request
 * units (1 KB each, 2× inside a transaction), reads in read request units (4 KB each, half for
 * eventually consistent reads), from the items in the request as DynamoDB sizes them (roughly).
 */

export interface Call {
  service: string;
  operation: string;
  /** DynamoDB request units the call consumes (0 for other services). */
  wru: number;
  rru: number;
  ms: number;
  /** DynamoDB's request (wire JSON = the low-level command input), to replay it bare. */
  body?: string;
}

export interface CallCounter {
  url: string;
  calls: Call[];
  /** Calls since the last take(), then forgets them. */
  take(): Call[];
  close(): Promise<void>;
}

export async function startCallCounter(target: string): Promise<CallCounter> {
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
            if (call) calls.push({ ...call, ...units(call, body, response), ms: performance.now() - started, ...(call.service === 'dynamodb' ? { body: body.toString('utf8') } : {}) });
            res.writeHead(answer.statusCode ?? 502, answer.headers);
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
    get calls() {
      return calls;
    },
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

// DynamoDB's item size is close to the size of its names and values; the JSON of the wire format
// over-counts type tags by a few bytes per attribute, which is fine for a cost estimate.
const kb = (value: unknown, unit: number) => Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(value ?? {})) / unit));

function units(call: { service: string; operation: string }, body: Buffer, response: Buffer): { wru: number; rru: number } {
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
      return { wru: kb(request.Item, 1024), rru: 0 };
    case 'UpdateItem':
    case 'DeleteItem':
      // Billed on the larger of the item before and after; the answer carries it when asked for.
      return { wru: kb(answer.Attributes ?? request.Key, 1024), rru: 0 };
    case 'TransactWriteItems':
      return {
        wru: (request.TransactItems as any[]).reduce((sum, item) => sum + 2 * kb(item.Put?.Item ?? item.Update?.Key ?? item.Delete?.Key ?? item.ConditionCheck?.Key, 1024), 0),
        rru: 0,
      };
    case 'GetItem': {
      const size = kb(answer.Item, 4096);
      return { wru: 0, rru: request.ConsistentRead ? size : size / 2 };
    }
    case 'Query':
      return { wru: 0, rru: ((request.ConsistentRead ? 1 : 0.5) * Math.ceil(Math.max(1, Buffer.byteLength(JSON.stringify(answer.Items ?? []))) / 4096)) };
    default:
      return { wru: 0, rru: 0 };
  }
}
