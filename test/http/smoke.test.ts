import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smoke } from '../../scripts/smoke';
import { DEMO_ENV, startTestApi, type TestApi } from '../fixtures/local-api';

describe('npm run smoke: the post-deploy check', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  test('creates, retrieves and cancels a session and reads /openapi.json', async () => {
    const result = await smoke(api.url, DEMO_ENV.CHECKOUT_DEMO_API_KEY);
    expect(result.steps.map((s) => [s.step, s.ok, s.status])).toEqual([
      ['payment-methods', true, 200],
      ['create', true, 201],
      ['retrieve', true, 200],
      ['cancel', true, 200],
      ['openapi.json', true, 200],
    ]);
    expect(result.ok).toBe(true);
  });

  test('a wrong key fails the check, with the request id to look up', async () => {
    const result = await smoke(api.url, 'nope.0123456789abcdefghijklmnop');
    expect(result.ok).toBe(false);
    expect(result.steps[0]).toMatchObject({ step: 'payment-methods', ok: false, status: 401, detail: expect.stringMatching(/request id \S+/) });
  });

  /** Runs a script as DevOps would (tsx), with `input` on stdin; its exit code and output. */
  const run = (script: string, args: string[], { input = '', env = {} }: { input?: string; env?: Record<string, string> } = {}) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const tsx = join(__dirname, '../../node_modules/tsx/dist/cli.mjs');
      const child = spawn(process.execPath, [tsx, join(__dirname, '../..', script), ...args], { env: { ...process.env, CHECKOUT_API_KEY: '', ...env } });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (out += chunk));
      child.on('close', (code) => resolve({ code, out }));
      child.stdin.end(input);
    });

  test('the key comes from a file, stdin or CHECKOUT_API_KEY, never from argv (smoke and load alike)', async () => {
    const key = DEMO_ENV.CHECKOUT_DEMO_API_KEY;
    const file = join(mkdtempSync(join(tmpdir(), 'smoke-key-')), 'key');
    writeFileSync(file, `${key}\n`);
    for (const args of [['--key-file', file], ['--key-stdin']]) {
      const result = await run('scripts/smoke.ts', ['--url', api.url, ...args], { input: `${key}\n` });
      expect([result.code, JSON.parse(result.out).ok]).toEqual([0, true]);
    }
    expect((await run('scripts/smoke.ts', ['--url', api.url], { env: { CHECKOUT_API_KEY: key } })).code).toBe(0);

    const onArgv = await run('scripts/smoke.ts', ['--url', api.url, '--key', key]);
    expect(onArgv.code).toBe(2);
    expect(onArgv.out).toContain('--key would leave the secret in the shell history: use --key-file, --key-stdin or CHECKOUT_API_KEY.');
    const none = await run('scripts/smoke.ts', ['--url', api.url]);
    expect(none.out).toContain('Give the API key with --key-file, --key-stdin or CHECKOUT_API_KEY.');
    // The load test refuses a key or a webhook key on argv before it sends anything.
    for (const [option, env] of [['--key', 'CHECKOUT_API_KEY'], ['--webhook-key', 'CHECKOUT_WEBHOOK_KEY']] as const) {
      const load = await run('bench/load.ts', ['--url', api.url, ...(option === '--key' ? [] : ['--key-file', file]), option, 'secret'], { env: { CHECKOUT_API_KEY: '' } });
      expect(load.code).toBe(1);
      expect(load.out).toContain(`${option} would leave the secret in the shell history: use ${option}-file, ${option}-stdin or ${env}.`);
    }
  }, 120_000);
});
