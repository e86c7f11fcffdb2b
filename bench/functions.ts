import { join, resolve } from 'node:path';
import type { Needs } from '../functions/config/needs';
import { ROUTES } from '../functions/config/routes';
import { WORKERS } from '../functions/config/workers';

/** Every Lambda the CDK app ships (one per route, one per worker), with what it may use. */
export interface LambdaFunction {
  id: string;
  /** functions/handlers/<handler>.ts */
  entry: string;
  needs: Needs;
  kind: 'route' | 'worker';
}

export const ROOT = resolve(__dirname, '..');

export const FUNCTIONS: readonly LambdaFunction[] = [
  ...ROUTES.map((r) => ({ id: r.id, entry: join(ROOT, 'functions', 'handlers', `${r.handler}.ts`), needs: r.needs ?? {}, kind: 'route' as const })),
  ...WORKERS.map((w) => ({ id: w.id, entry: join(ROOT, 'functions', 'handlers', `${w.handler}.ts`), needs: w.needs ?? {}, kind: 'worker' as const })),
];

/** An AWS SDK client the floor constructs: package, client class, and the wrapper around it if any. */
export interface SdkClient {
  pkg: string;
  client: string;
  /** lib-dynamodb's document client wraps the DynamoDB client, as our adapters do. */
  wrap?: { pkg: string; name: string };
}

/**
 * The SDK clients a function needs, read from its grants: a function that may not call a
 * service has no business loading its client.
 */
export function sdkClients(needs: Needs): SdkClient[] {
  const clients: SdkClient[] = [];
  if (needs.table?.length) clients.push({ pkg: '@aws-sdk/client-dynamodb', client: 'DynamoDBClient', wrap: { pkg: '@aws-sdk/lib-dynamodb', name: 'DynamoDBDocumentClient' } });
  if (needs.bucket?.length) clients.push({ pkg: '@aws-sdk/client-s3', client: 'S3Client' });
  if (needs.sendTo?.length || needs.deadLetterTo?.length) clients.push({ pkg: '@aws-sdk/client-sqs', client: 'SQSClient' });
  if (needs.webhookKey) clients.push({ pkg: '@aws-sdk/client-secrets-manager', client: 'SecretsManagerClient' });
  if (needs.email) clients.push({ pkg: '@aws-sdk/client-sesv2', client: 'SESv2Client' });
  if (needs.sms) clients.push({ pkg: '@aws-sdk/client-sns', client: 'SNSClient' });
  return clients;
}

/**
 * The floor handler of a function: its SDK clients created at module scope (as ours are), and a
 * handler that parses the request, makes one DynamoDB GetItem when it has the table (the one
 * round trip every table function's first request makes) and answers a small JSON document.
 */
export function floorSource(needs: Needs): string {
  const clients = sdkClients(needs);
  const lines: string[] = [];
  clients.forEach((c, i) => {
    lines.push(`import { ${c.client} } from '${c.pkg}';`);
    if (c.wrap) lines.push(`import { ${c.wrap.name}, GetCommand } from '${c.wrap.pkg}';`);
    lines.push(c.wrap ? `const client${i} = ${c.wrap.name}.from(new ${c.client}({}));` : `const client${i} = new ${c.client}({});`);
  });
  const table = clients.findIndex((c) => c.wrap);
  lines.push(`export const clients = [${clients.map((_, i) => `client${i}`).join(', ')}];`);
  lines.push(`export const handler = async (event) => {`);
  lines.push(`  const body = typeof event.body === 'string' && event.body.startsWith('{') ? JSON.parse(event.body) : {};`);
  if (table >= 0) {
    lines.push(`  const key = { pk: 'SESSION#' + (event.pathParameters?.session_id ?? 'none'), sk: 'SESSION' };`);
    lines.push(`  const { Item } = await client${table}.send(new GetCommand({ TableName: process.env.CHECKOUT_TABLE, Key: key }));`);
    lines.push(`  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, item: Item ?? null }) };`);
  } else {
    lines.push(`  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };`);
  }
  lines.push(`};`);
  return lines.join('\n');
}
