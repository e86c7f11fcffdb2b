// First: sets the handlers' log level before their logger is built.
import './local-log-level';
import { setting } from '../functions/config/env';
import { logger } from '../functions/handlers/logger';
import { ActivityLog, readableLogText, routeHandlerLogs } from '../functions/local/activity-log';
import { adminBanner, stageSettings } from '../functions/local/aws-mode';
import { startLocal } from '../functions/local/local-runtime';
import { startLocalAws } from '../functions/local/local-aws-runtime';
import { startCloudFromEnv } from './local-cloud';

// The console: one line per request and per delivery attempt (LOG_FORMAT=json: one JSON object each).
const logFormat = setting('LOG_FORMAT');
const activity = new ActivityLog({ format: logFormat, print: (line) => console.log(line), delayScale: setting('CHECKOUT_LOCAL_DELAY_SCALE') });
// The handlers' own warnings (Powertools JSON) as lines too, unless JSON lines were asked for.
if (logFormat !== 'json') routeHandlerLogs(logger, activity);

/**
 * CHECKOUT_BACKEND=aws serves from AWS services at AWS_ENDPOINT_URL; with CHECKOUT_BOOTSTRAP=1 it
 * runs the synthesized dev stage on that emulator (functions/local/cloud).
 */
async function start() {
  const port = setting('PORT');
  const host = setting('HOST');
  const localMpgs = setting('CHECKOUT_LOCAL_MPGS') ? { port: setting('CHECKOUT_LOCAL_MPGS_PORT') ?? 0 } : undefined;
  if (setting('CHECKOUT_BACKEND') !== 'aws') {
    const runtime = await startLocal({ port, host, activity, localMpgs });
    return { ...runtime, config: runtime.ports.config, backend: 'embedded stores', stage: {}, outbox: true };
  }
  if (setting('CHECKOUT_BOOTSTRAP')) {
    // The synthesized stage itself: its resources, bundles, routes, event sources and schedule.
    const log = logFormat === 'json' ? undefined : (text: string) => void process.stderr.write(readableLogText(text));
    const cloud = await startCloudFromEnv(port, host, (record) => activity.request(record), localMpgs, log);
    return { ...cloud, backend: `the synthesized dev stage's Lambda bundles, table ${cloud.tableName} at ${setting('AWS_ENDPOINT_URL')}`, stage: stageSettings(cloud.templateEnvironments.values()), outbox: true };
  }
  const runtime = await startLocalAws({ port, host, activity });
  // The AWS adapters on an existing table: its gateways are whatever is stored there.
  return { ...runtime, mpgs: undefined, backend: `AWS adapters, table ${runtime.env.CHECKOUT_TABLE} at ${setting('AWS_ENDPOINT_URL') ?? 'AWS'}`, stage: stageSettings([runtime.env as Record<string, string>]), outbox: false };
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
      ...(runtime.outbox ? [`  Outbox          ${runtime.url}/_local/outbox  (e-mail and SMS the runtime would have sent)`] : []),
      ...(runtime.mpgs ? [`  Local MPGS      ${runtime.mpgs.url}  (Mastercard Gateway, Hosted Checkout API v100: mpgs-kwd, mpgs-authorize; CHECKOUT_LOCAL_MPGS=0 to leave it out)`] : []),
      ...(runtime.backend === 'embedded stores'
        ? [
            `  Dashboard       ${runtime.url}/_local/  (sessions, events, webhook attempts, e-mail and SMS)`,
            `  API reference   ${runtime.url}/docs  (OpenAPI document: ${runtime.url}/openapi.json)`,
            setting('CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS')
              ? '  Webhooks        may call loopback URLs (CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS=1)'
              : '  Webhooks        public URLs only; start with CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS=1 to call a receiver on this machine',
          ]
        : [
            '  Dashboard       embedded runtime only (npm start without CHECKOUT_BACKEND=aws); here /_local/ says what to use instead',
            `  API reference   ${runtime.url}/docs`,
            ...adminBanner(runtime.stage, setting('AWS_ENDPOINT_URL')),
          ]),
      '',
      'Try:',
      `  curl -s -X POST ${runtime.url}/b/checkout/v1/pymt-txn/ -H 'Authorization: Api-Key ${apiKey}' \\`,
      `    -H 'Content-Type: application/json' -d '{"type":"payment_request","pg_codes":["sandbox-kwd"],"amount":"14","currency_code":"KWD"}'`,
      '  then open its checkout_url in a browser and pay with 4111 1111 1111 1111 (0002 declines, 0119 errors).',
      ...(runtime.mpgs
        ? [
            '  Or with "pg_codes":["mpgs-kwd"]: the page sends you to the local MPGS; pay with 5123 4500 0000 0008,',
            '  expiry 01/39 (05/39 declines, 04/27 expired card), security code 100.',
          ]
        : []),
      '',
      logFormat === 'json' ? 'Requests and deliveries are logged as JSON lines (LOG_FORMAT=json):' : 'Requests and deliveries (LOG_FORMAT=json for structured logs):',
    ].join('\n'),
  );
  const stop = () => void runtime.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  // The failures a newcomer meets, in one line saying what to do; anything else with its stack.
  if (code === 'EADDRINUSE') console.error(`Port ${setting('PORT')} on ${setting('HOST')} is already in use: stop what is using it, or start on another port with PORT=3001 npm start`);
  else if (code === 'EACCES') console.error(`Port ${setting('PORT')} needs privileges here: start on another port with PORT=3000 npm start`);
  else if (error instanceof Error && error.name === 'ConfigurationError') console.error(`Cannot start: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
