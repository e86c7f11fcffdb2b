import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../fixtures/webhook-receiver';

// `npm start` as a newcomer meets it: the banner, one line per request, quiet handler logs
// (the expiry sweep, scheduled every 100 ms here, prints nothing), and one line for each of the
// failures a fresh clone runs into.
const ROOT = join(__dirname, '../..');

function start(env: Record<string, string>) {
  // Its own process group: npm, sh, tsx and node stop together.
  const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, detached: true, env: { ...process.env, POWERTOOLS_LOG_LEVEL: '', ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const stop = async () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await exited;
  };
  return { child, exited, stop, out: () => out, err: () => err };
}

test('npm start prints the banner and one line per request, and the expiry sweep stays quiet', async () => {
  const run = start({ PORT: '0', CHECKOUT_EXPIRY_INTERVAL_MS: '100', CHECKOUT_DEMO_API_KEY: 'demo.start-test-0123456789' });
  try {
    await waitFor(() => /listening on (http:\/\/\S+)/.test(run.out()), { timeoutMs: 30_000, what: 'the banner' });
    const url = /listening on (http:\/\/\S+)/.exec(run.out())![1]!;
    expect(run.out()).toContain('CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS=1');
    expect(run.out()).toContain(`${url}/docs`);
    const response = await fetch(`${url}/b/checkout/v1/pymt-txn/`, {
      method: 'POST',
      headers: { authorization: 'Api-Key demo.start-test-0123456789', 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '14', currency_code: 'KWD' }),
    });
    expect(response.status).toBe(201);
    const id = response.headers.get('x-request-id')!;
    await waitFor(() => run.out().includes(id), { timeoutMs: 30_000, what: 'the request line' });
    expect(run.out()).toMatch(new RegExp(`\\d\\d:\\d\\d:\\d\\d\\.\\d{3} POST /b/checkout/v1/pymt-txn/ 201 \\d+ ms {2}req ${id}`));
    await new Promise((r) => setTimeout(r, 500));
    expect(run.out()).not.toContain('Expiry sweep');
  } finally {
    await run.stop();
  }
}, 60_000);

test('a port in use: one line saying what to do', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const run = start({ PORT: String(port) });
    expect(await run.exited).toBe(1);
    expect(run.err().trim()).toBe(`Port ${port} on 127.0.0.1 is already in use: stop what is using it, or start on another port with PORT=3001 npm start`);
  } finally {
    blocker.close();
  }
}, 60_000);

describe('preflight (before tsx)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'preflight-'));
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(join(ROOT, 'scripts/preflight.cjs'), join(dir, 'scripts/preflight.cjs'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const run = () => spawnSync('node', [join(dir, 'scripts/preflight.cjs')], { encoding: 'utf8' });

  test('without npm ci (no tsx): one line saying to run npm ci', () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ engines: { node: '>=20' } }));
    const result = run();
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('Dependencies are not installed (tsx not found): run npm ci first, then npm start.');
  });

  test('a Node older than engines: one line naming the version needed', () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ engines: { node: '>=99' } }));
    const result = run();
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(/^Node [\d.]+ is too old: this project needs Node >=99 .*nvm install 99.*$/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('this checkout passes', () => {
    expect(spawnSync('node', [join(ROOT, 'scripts/preflight.cjs')]).status).toBe(0);
  });
});
