import { Logger } from '@aws-lambda-powertools/logger';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ActivityLog, readableLogText, routeHandlerLogs } from '../../functions/local/activity-log';

// Honest logs: a scaled retry says the real wait and the schedule's, the handlers' warnings read
// as lines in the readable console, and the SDK's Node-support warning never hides another.
const at = () => new Date('2026-11-25T10:31:07.120Z');

function console_(options: ConstructorParameters<typeof ActivityLog>[0] = {}) {
  const lines: string[] = [];
  return { lines, log: new ActivityLog({ print: (line) => lines.push(line), now: at, ...options }) };
}

const attempt = { session_id: 'a'.repeat(40), event_id: 'e-1', event: 'paid', url: 'http://127.0.0.1:4000/', attempt: 6, status_code: 503, error: 'HTTP 503', outcome: 'retrying', next_retry_seconds: 1700 };

test('a retry line says the real wait, and the nominal one when CHECKOUT_LOCAL_DELAY_SCALE scales it', () => {
  const scaled = console_({ delayScale: 0.001 });
  scaled.log.info('webhook attempt', attempt);
  expect(scaled.lines).toEqual(['10:31:07.120   webhook paid → http://127.0.0.1:4000/ HTTP 503, attempt 6: retrying, next retry in 1.7 s (nominal 28 min, scaled by CHECKOUT_LOCAL_DELAY_SCALE)']);
  const real = console_();
  real.log.info('webhook attempt', attempt);
  expect(real.lines).toEqual(['10:31:07.120   webhook paid → http://127.0.0.1:4000/ HTTP 503, attempt 6: retrying, next retry in 28 min']);
  const json = console_({ delayScale: 0.001, format: 'json' });
  json.log.info('email attempt', { ...attempt, to: 'a@example.com' });
  expect(JSON.parse(json.lines[0]!)).toMatchObject({ next_retry_seconds: 1700, next_retry_actual_seconds: 1.7 });
});

test("the handlers' Powertools warnings print as readable lines (JSON only with LOG_FORMAT=json)", () => {
  const logger = new Logger({ serviceName: 'checkout-api', logLevel: 'WARN' });
  const readable = console_();
  routeHandlerLogs(logger, readable.log);
  logger.warn('delivery given up', { queue: 'webhook', event_id: 'e-1', reason: 'HTTP 404' });
  logger.error('delivery failed unexpectedly', { queue: 'email', error: new TypeError('boom') });
  logger.info('not at this level');
  expect(readable.lines).toEqual(['10:31:07.120 warning: delivery given up queue=webhook event_id=e-1 reason=HTTP 404', '10:31:07.120 warning: delivery failed unexpectedly queue=email error=TypeError: boom']);
  expect(readable.log.entries.map((entry) => entry.kind)).toEqual(['warning', 'warning']);

  const json = console_({ format: 'json' });
  json.log.handlerLog(JSON.stringify({ level: 'WARN', message: 'delivery given up', timestamp: 'x', service: 'checkout-api', queue: 'sms' }));
  expect(JSON.parse(json.lines[0]!)).toMatchObject({ level: 'WARN', kind: 'warning', message: 'delivery given up', queue: 'sms' });
  // Our own warnings keep their one-line form.
  const own = console_();
  own.log.warn('config reload failed', new RangeError('bad'));
  expect(own.lines).toEqual(['10:31:07.120 warning: config reload failed: RangeError: bad']);
});

test("an emulated Lambda's output: its Powertools records as lines, anything else as it was", () => {
  const text = '[DeliverWebhook] {"level":"WARN","message":"delivery given up","timestamp":"2026-11-25T10:31:07.120Z","service":"checkout-api","cold_start":true,"queue":"webhook","reason":"HTTP 404"}\n[DeliverWebhook] plain text\n';
  expect(readableLogText(text)).toBe('[DeliverWebhook] warn: delivery given up queue=webhook reason=HTTP 404\n[DeliverWebhook] plain text\n');
});

test("the AWS SDK's NodeVersionSupportWarning prints at most once per process, never in tests, and other warnings still print", async () => {
  const script = `
    const { SQSClient } = require('@aws-sdk/client-sqs');
    new SQSClient({ region: 'us-east-1' }); new SQSClient({ region: 'eu-west-1' });
    process.emitWarning('another warning');`;
  const run = async (env: NodeJS.ProcessEnv) => (await promisify(execFile)(process.execPath, ['-e', script], { env, cwd: __dirname })).stderr;
  const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: disabled, ...outside } = process.env;
  expect(disabled).toBe('true'); // test/setup-env.ts
  const plain = await run(outside);
  const major = Number(process.versions.node.split('.')[0]);
  expect(plain.match(/NodeVersionSupportWarning/g)?.length ?? 0).toBe(major < 22 ? 1 : 0);
  expect(plain).toContain('another warning');
  const inTests = await run(process.env);
  expect(inTests).not.toContain('NodeVersionSupportWarning');
  expect(inTests).toContain('another warning');
}, 30_000);
