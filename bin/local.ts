import { setting } from '../functions/config/env';
import { startLocal } from '../functions/local/local-runtime';
import { startLocalAws } from '../functions/local/local-aws-runtime';
import { startCloudFromEnv } from './local-cloud';

// Quiet by default on a laptop; POWERTOOLS_LOG_LEVEL=DEBUG shows every request's logs.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

/**
 * CHECKOUT_BACKEND=aws serves from AWS services at AWS_ENDPOINT_URL; with CHECKOUT_BOOTSTRAP=1 it
 * runs the synthesized dev stage on that emulator (functions/local/cloud).
 */
async function start() {
  const port = setting('PORT');
  const host = setting('HOST');
  if (setting('CHECKOUT_BACKEND') !== 'aws') {
    const runtime = await startLocal({ port, host });
    return { ...runtime, config: runtime.ports.config, backend: 'embedded stores' };
  }
  if (setting('CHECKOUT_BOOTSTRAP')) {
    // The synthesized stage itself: its resources, bundles, routes, event sources and schedule.
    const cloud = await startCloudFromEnv(port, host);
    return { ...cloud, backend: `the synthesized dev stage's Lambda bundles, table ${cloud.tableName} at ${setting('AWS_ENDPOINT_URL')}` };
  }
  const runtime = await startLocalAws({ port, host });
  return { ...runtime, backend: `AWS adapters, table ${runtime.env.CHECKOUT_TABLE} at ${setting('AWS_ENDPOINT_URL') ?? 'AWS'}` };
}

async function main(): Promise<void> {
  const runtime = await start();
  const gateways = (await runtime.config.load()).gateways.map((g) => `${g.code} (${g.operation}; ${g.currencies.join(', ')})`);
  const credentials = runtime.credentials;
  const apiKey = credentials?.apiKey ?? '<your key>';
  console.log(
    [
      `Checkout API (${runtime.backend}) listening on ${runtime.url}`,
      '',
      `  Base URL        ${runtime.url}`,
      ...(credentials
        ? [
            `  API key         Authorization: Api-Key ${credentials.apiKey}`,
            `  Basic user      ${credentials.basic.username}:${credentials.basic.password}  (payment_request; may use sandbox-kwd)`,
            `  Webhook key     ${credentials.webhookKey}`,
          ]
        : ['  Credentials     as stored in the table (only hashes are kept): npm run admin -- create-api-key --label me']),
      `  Gateway codes   ${gateways.join(', ')}`,
      `  Outbox          ${runtime.url}/_local/outbox  (e-mail and SMS the runtime would have sent)`,
      '',
      'Try:',
      `  curl -s -X POST ${runtime.url}/b/checkout/v1/pymt-txn/ -H 'Authorization: Api-Key ${apiKey}' \\`,
      `    -H 'Content-Type: application/json' -d '{"type":"payment_request","pg_codes":["sandbox-kwd"],"amount":"14","currency_code":"KWD"}'`,
      '  then open its checkout_url in a browser and pay with 4111 1111 1111 1111 (0002 declines, 0119 errors).',
    ].join('\n'),
  );
  const stop = () => void runtime.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
