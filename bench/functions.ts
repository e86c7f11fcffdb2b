import { join, resolve } from 'node:path';
import type { Needs } from '../functions/config/needs';
import { ROUTES } from '../functions/config/routes';
import { EXPIRY_INDEX } from '../functions/config/table';
import { WORKERS } from '../functions/config/workers';
import { EXPIRY_SHARDS } from '../functions/domain/expiry';
import { FIRST_REQUEST_UPLOADS, FIRST_REQUEST_WRITES, SWEPT_MINUTES } from './first-requests';

/** Every Lambda the CDK app ships (one per route, one per worker), with what it may use. */
export interface LambdaFunction {
  id: string;
  /** functions/handlers/<handler>.ts */
  entry: string;
  needs: Needs;
  kind: 'route' | 'worker';
  /** It POSTs to the merchant's webhook URL: that call is its job, so the floor makes it too. */
  postsWebhooks?: boolean;
  /** Its trigger brings the session (the stream's new image): the floor reads nothing either. */
  sessionInEvent?: boolean;
  /** The expiry sweep: its job is one index Query per shard of each minute bucket since its checkpoint. */
  sweepsExpiryIndex?: boolean;
  /** Its first request writes the session after reading (FIRST_REQUEST_WRITES). */
  writesSession?: boolean;
  /** Its first request stores a file after reading (FIRST_REQUEST_UPLOADS). */
  storesFile?: boolean;
}

export const ROOT = resolve(__dirname, '..');

export const FUNCTIONS: readonly LambdaFunction[] = [
  ...ROUTES.map((r) => ({
    id: r.id,
    entry: join(ROOT, 'functions', 'handlers', `${r.handler}.ts`),
    needs: r.needs ?? {},
    kind: 'route' as const,
    writesSession: FIRST_REQUEST_WRITES.has(r.id),
    storesFile: FIRST_REQUEST_UPLOADS.has(r.id),
  })),
  ...WORKERS.map((w) => ({
    id: w.id,
    entry: join(ROOT, 'functions', 'handlers', `${w.handler}.ts`),
    needs: w.needs ?? {},
    kind: 'worker' as const,
    postsWebhooks: w.trigger.kind === 'queue' && w.trigger.queue === 'webhook',
    sessionInEvent: w.trigger.kind === 'table-stream',
    sweepsExpiryIndex: w.needs?.table?.includes('Query') ?? false,
  })),
];

/** An AWS SDK client the floor constructs: package, client class, and the wrapper around it if any. */
export interface SdkClient {
  pkg: string;
  client: string;
  /** lib-dynamodb's document client wraps the DynamoDB client, as our adapters do. */
  wrap?: { pkg: string; name: string };
  /**
   * The calls of the function's job that no implementation can skip on a first request, besides
   * its session read: read the key it signs with, send the e-mail, the SMS, the queue messages.
   * Each is `[command class, input as source text]`.
   */
  jobCalls?: Array<[command: string, input: string]>;
  /** The client's constructor options, as source text. */
  options?: string;
}

/**
 * The SDK clients a function needs, read from its grants: a function that may not call a
 * service has no business loading its client.
 */
export function sdkClients(needs: Needs): SdkClient[] {
  const clients: SdkClient[] = [];
  if (needs.table?.length) clients.push({ pkg: '@aws-sdk/client-dynamodb', client: 'DynamoDBClient', wrap: { pkg: '@aws-sdk/lib-dynamodb', name: 'DynamoDBDocumentClient' } });
  // Path-style against an emulator, as our s3Client() does (moto has no virtual-host DNS here).
  if (needs.bucket?.length) clients.push({ pkg: '@aws-sdk/client-s3', client: 'S3Client', options: '{ forcePathStyle: process.env.AWS_ENDPOINT_URL !== undefined }' });
  if (needs.sendTo?.length || needs.deadLetterTo?.length) {
    const sends = (needs.sendTo ?? []).map((q): [string, string] => ['SendMessageCommand', `{ QueueUrl: process.env.CHECKOUT_${q.toUpperCase()}_QUEUE_URL, MessageBody: text }`]);
    clients.push({ pkg: '@aws-sdk/client-sqs', client: 'SQSClient', jobCalls: sends });
  }
  if (needs.webhookKey) {
    clients.push({ pkg: '@aws-sdk/client-secrets-manager', client: 'SecretsManagerClient', jobCalls: [['GetSecretValueCommand', '{ SecretId: process.env.CHECKOUT_WEBHOOK_SECRET_ID }']] });
  }
  if (needs.email) {
    const message = `{ FromEmailAddress: process.env.CHECKOUT_EMAIL_FROM, Destination: { ToAddresses: ['customer@example.com'] }, Content: { Simple: { Subject: { Data: 'Paid' }, Body: { Text: { Data: text } } } } }`;
    clients.push({ pkg: '@aws-sdk/client-sesv2', client: 'SESv2Client', jobCalls: [['SendEmailCommand', message]] });
  }
  if (needs.sms) clients.push({ pkg: '@aws-sdk/client-sns', client: 'SNSClient', jobCalls: [['PublishCommand', `{ PhoneNumber: '+96550000000', Message: text }`]] });
  return clients;
}

/** Where the floor's webhook POST goes: the receiver the bench starts (bench/run.ts). */
export const FLOOR_WEBHOOK_URL_ENV = 'BENCH_WEBHOOK_URL';

/**
 * The floor handler of a function: its SDK clients created at module scope (as ours are), and a
 * handler that parses the request and makes, all at once, the calls its job cannot skip: one
 * DynamoDB GetItem when it has the table (the session read; not when its event brings it), each client's job calls (the
 * signing key, the e-mail, the SMS, the queue messages); then, when its first request changes
 * the session, one PutItem, when it stores a file, one PutObject, and when its job is a webhook, a POST with node:http to the
 * merchant's endpoint (both after the read they depend on). Then it
 * answers a small JSON document. It asks nothing twice and waits for no call another could
 * overlap, so any implementation of the same first request does at least this.
 */
export function floorSource(needs: Needs, { postsWebhooks = false, sessionInEvent = false, sweepsExpiryIndex = false, writesSession = false, storesFile = false } = {}): string {
  const clients = sdkClients(needs);
  const lines: string[] = [];
  clients.forEach((c, i) => {
    const commands = (c.jobCalls ?? []).map(([command]) => command);
    lines.push(`import { ${[c.client, ...new Set(commands)].join(', ')} } from '${c.pkg}';`);
    if (c.wrap) lines.push(`import { ${c.wrap.name}, GetCommand, PutCommand, QueryCommand } from '${c.wrap.pkg}';`);
    lines.push(c.wrap ? `const client${i} = ${c.wrap.name}.from(new ${c.client}({}));` : `const client${i} = new ${c.client}(${c.options ?? '{}'});`);
  });
  if (postsWebhooks) {
    lines.push(`import { request } from 'node:http';`);
    lines.push(`const post = (url, body) => new Promise((resolve, reject) => request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); }).on('error', reject).end(body));`);
  }
  const table = clients.findIndex((c) => c.wrap);
  lines.push(`export const clients = [${clients.map((_, i) => `client${i}`).join(', ')}];`);
  lines.push(`export const handler = async (event) => {`);
  lines.push(`  const body = typeof event.body === 'string' && event.body.startsWith('{') ? JSON.parse(event.body) : {};`);
  lines.push(`  const text = JSON.stringify(body);`);
  const calls = clients.flatMap((c, i) => (c.jobCalls ?? []).map(([command, input]) => `client${i}.send(new ${command}(${input}))`));
  const reads = table >= 0 && !sessionInEvent;
  if (reads) {
    lines.push(`  const key = { pk: 'SESSION#' + (event.pathParameters?.session_id ?? 'none'), sk: 'SESSION' };`);
    calls.unshift(`client${table}.send(new GetCommand({ TableName: process.env.CHECKOUT_TABLE, Key: key }))`);
  }
  if (sweepsExpiryIndex) {
    // The buckets the bench leaves unswept (bench/run.ts), each shard's due entries, all at once.
    lines.push(`  const now = new Date();`);
    lines.push(`  const partitions = Array.from({ length: ${SWEPT_MINUTES * EXPIRY_SHARDS} }, (_, i) => 'EXPIRY#' + new Date(now.getTime() - Math.floor(i / ${EXPIRY_SHARDS}) * 60000).toISOString().slice(0, 16) + '#' + (i % ${EXPIRY_SHARDS}));`);
    calls.push(`...partitions.map((pk) => client${table}.send(new QueryCommand({ TableName: process.env.CHECKOUT_TABLE, IndexName: '${EXPIRY_INDEX}', KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :due', ExpressionAttributeValues: { ':pk': pk, ':due': now.toISOString() } })))`);
  }
  if (calls.length > 0) lines.push(`  const [read] = await Promise.all([${calls.join(', ')}]);`);
  // A write that depends on the read (credentials, version) waits for it: one more round trip.
  if (reads && writesSession) lines.push(`  await client${table}.send(new PutCommand({ TableName: process.env.CHECKOUT_TABLE, Item: { pk: 'FLOOR#' + Math.random(), sk: 'SESSION', body: text } }));`);
  const bucket = clients.findIndex((c) => c.client === 'S3Client');
  if (storesFile && bucket >= 0) {
    lines.unshift(`import { PutObjectCommand } from '@aws-sdk/client-s3';`);
    lines.push(`  await client${bucket}.send(new PutObjectCommand({ Bucket: process.env.CHECKOUT_BUCKET, Key: 'floor/' + Math.random(), Body: event.body ?? '' }));`);
  }
  lines.push(reads ? `  const answer = JSON.stringify({ ...body, item: read.Item ?? null });` : `  const answer = text;`);
  if (postsWebhooks) lines.push(`  await post(process.env.${FLOOR_WEBHOOK_URL_ENV}, answer);`);
  lines.push(`  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: answer };`);
  lines.push(`};`);
  return lines.join('\n');
}
