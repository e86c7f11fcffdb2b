import { startLocal } from '../functions/runtime/local-runtime';

// Quiet by default on a laptop; POWERTOOLS_LOG_LEVEL=DEBUG shows every request's logs.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

async function main(): Promise<void> {
  const runtime = await startLocal({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });
  const { apiKey, basic, webhookKey } = runtime.credentials;
  const gateways = (await runtime.ports.config.load()).gateways.map((g) => `${g.code} (${g.operation}; ${g.currencies.join(', ')})`);
  console.log(
    [
      `Checkout API (embedded stores) listening on ${runtime.url}`,
      '',
      `  Base URL        ${runtime.url}`,
      `  API key         Authorization: Api-Key ${apiKey}`,
      `  Basic user      ${basic.username}:${basic.password}  (payment_request; may use sandbox-kwd)`,
      `  Webhook key     ${webhookKey}`,
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
