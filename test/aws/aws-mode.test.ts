import { randomBytes } from 'node:crypto';
import { adminBanner, ADMIN_SETTINGS, stageSettings } from '../../functions/local/aws-mode';
import { startLocalAws, type LocalAwsRuntime } from '../../functions/local/local-aws-runtime';
import { runTrigger } from '../../scripts/trigger-event';
import { DEMO_ENV, requester } from '../fixtures/local-api';
import { awsTestEnv, describeAws, useMotoEnv } from '../fixtures/moto';

// CHECKOUT_BACKEND=aws npm start: the banner names what the admin CLI needs, the embedded-only
// pages answer a sentence instead of a bare 404, and npm run trigger pays on the hosted page there too.
describeAws('AWS mode (moto): admin settings, embedded-only pages, trigger', () => {
  let aws: LocalAwsRuntime;

  beforeAll(async () => {
    useMotoEnv();
    const suffix = randomBytes(4).toString('hex');
    aws = await startLocalAws({ port: 0, env: { ...DEMO_ENV, ...awsTestEnv(), CHECKOUT_STAGE: `mode-${suffix}`, CHECKOUT_TABLE: `aws-mode-${suffix}` }, bootstrap: true });
  }, 60_000);

  afterAll(async () => {
    await aws?.close();
  });

  test('the banner prints the table, the secret id and the queue URLs as an export for the admin CLI', () => {
    const settings = stageSettings([aws.env as Record<string, string>]);
    expect(Object.keys(settings)).toEqual([...ADMIN_SETTINGS]);
    const text = adminBanner(settings, awsTestEnv().AWS_ENDPOINT_URL).join('\n');
    expect(text).toContain(`export AWS_ENDPOINT_URL=${awsTestEnv().AWS_ENDPOINT_URL} \\`);
    for (const name of ADMIN_SETTINGS) expect(text).toContain(`${name}=${aws.env[name]}`);
    expect(aws.env.CHECKOUT_WEBHOOK_QUEUE_URL).toMatch(/^http/);
    // The automatic inquiry's queue too, so `redrive --queue sync` and `status` reach it; and where add-gateway stores secrets.
    expect(settings).toMatchObject({ CHECKOUT_SYNC_QUEUE_URL: aws.env.CHECKOUT_SYNC_QUEUE_URL, CHECKOUT_GATEWAY_SECRET_PREFIX: aws.env.CHECKOUT_GATEWAY_SECRET_PREFIX });
    expect(text).toContain('npm run admin -- show-config');
    expect(adminBanner({}, undefined)).toEqual([]);
  });

  test('/_local/ pages and the pay helper answer a sentence saying they are embedded-only, and what to use', async () => {
    const request = requester(aws.url);
    const root = await request('GET', '/', { auth: 'none' });
    expect(Object.keys(root.json.links)).toEqual(['/docs', '/openapi.json']);
    for (const [method, path] of [['GET', '/_local/'], ['POST', `/_local/sessions/${'a'.repeat(40)}/pay`], ['GET', '/_local/sessions.json'], ['GET', '/_local/outbox']] as const) {
      const answer = await request(method, path, { auth: 'none', body: method === 'POST' ? { card_number: '4111111111111111' } : undefined });
      expect([path, answer.status]).toEqual([path, 404]);
      expect(answer.json.detail).toMatch(/is served by the embedded runtime only \(npm start without CHECKOUT_BACKEND=aws\)/);
      expect(answer.json.detail).toContain('npm run trigger -- paid');
    }
  });

  test('npm run trigger pays through the hosted page on the AWS adapters (no webhook worker runs in this mode: it says so)', async () => {
    const out: string[] = [];
    const code = await runTrigger(['paid', '--api-url', aws.url, '--json'], { out: (line) => out.push(line), err: (line) => out.push(line), env: { CHECKOUT_API_KEY: DEMO_ENV.CHECKOUT_DEMO_API_KEY }, waitMs: 500 });
    const result = JSON.parse(out[0]!);
    expect(result).toMatchObject({ event: 'paid', state: 'paid', webhook_delivered: false });
    expect(result.steps.at(-1)).toMatch(/^paid webhook not delivered within 1 s/);
    expect(code).toBe(1);
  }, 60_000);
});
