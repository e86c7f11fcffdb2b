import type { LookupAddress } from 'node:dns';
import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { HttpWebhookSender, type Resolve } from '../../functions/adapters/http-webhook-sender';
import { startReceiver, type WebhookReceiver } from '../fixtures/webhook-receiver';

let receiver: WebhookReceiver;
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(() => receiver.close());

const BODY = JSON.stringify({ hello: 'world' });
const fixed = (...addresses: string[]): Resolve => async () => addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));

test('posts JSON to an allowed address and reports the status', async () => {
  const sender = new HttpWebhookSender({ allowLoopback: true });
  expect(await sender.post(receiver.url, BODY, { timeoutMs: 5000 })).toEqual({ kind: 'response', status: 200 });
  expect(receiver.requests).toHaveLength(1);
  expect(receiver.requests[0]).toMatchObject({ method: 'POST', path: '/hooks/payments', body: { hello: 'world' } });
  expect(receiver.requests[0]!.headers['content-type']).toBe('application/json');
});

test('refuses loopback unless allowed, without connecting', async () => {
  const sender = new HttpWebhookSender({ allowLoopback: false });
  const literal = await sender.post(receiver.url, BODY, { timeoutMs: 5000 });
  const named = await sender.post(`http://localhost:${receiver.port}/`, BODY, { timeoutMs: 5000 });
  const mapped = await sender.post(`http://[::ffff:127.0.0.1]:${receiver.port}/`, BODY, { timeoutMs: 5000 });
  for (const result of [literal, named, mapped]) expect(result).toMatchObject({ kind: 'refused', reason: expect.stringContaining('loopback') });
  expect(receiver.requests).toHaveLength(0);
});

test.each([
  ['169.254.169.254', 'link-local'],
  ['10.0.0.5', 'private'],
  ['172.20.1.1', 'private'],
  ['192.168.0.10', 'private'],
  ['100.64.12.1', 'shared'],
  ['224.0.0.251', 'multicast'],
  ['0.0.0.0', 'unspecified'],
  ['198.18.0.1', 'reserved'],
  ['::', 'unspecified'],
  ['fd00::1', 'private'],
  ['fe80::1', 'link-local'],
  ['ff02::1', 'multicast'],
  ['::ffff:169.254.169.254', 'link-local'],
  ['::ffff:10.0.0.1', 'private'],
  ['64:ff9b::a9fe:a9fe', 'reserved'],
])('refuses a host that resolves to %s (%s)', async (address, kind) => {
  const sender = new HttpWebhookSender({ allowLoopback: true, resolve: fixed(address) });
  const result = await sender.post('https://merchant.example/hook', BODY, { timeoutMs: 5000 });
  expect(result).toEqual({ kind: 'refused', reason: expect.stringContaining(`a ${kind} address`) });
});

test('refuses when any one of several answers is not public', async () => {
  const sender = new HttpWebhookSender({ allowLoopback: false, resolve: fixed('93.184.216.34', '10.0.0.1') });
  expect(await sender.post('https://merchant.example/hook', BODY, { timeoutMs: 5000 })).toMatchObject({ kind: 'refused' });
});

test('refuses other schemes and malformed URLs', async () => {
  const sender = new HttpWebhookSender({ allowLoopback: true });
  for (const url of ['ftp://127.0.0.1/x', 'file:///etc/passwd', 'gopher://127.0.0.1:70/', 'not a url']) {
    expect(await sender.post(url, BODY, { timeoutMs: 5000 })).toMatchObject({ kind: 'refused' });
  }
});

test('connects to the address it checked: one lookup, pinned, no second resolution', async () => {
  const lookups: string[] = [];
  const resolve: Resolve = async (host) => {
    lookups.push(host);
    return [{ address: '127.0.0.1', family: 4 }];
  };
  const sender = new HttpWebhookSender({ allowLoopback: true, resolve });
  // merchant.invalid cannot resolve through real DNS: the request arrives only through the pin.
  const result = await sender.post(`http://merchant.invalid:${receiver.port}/hooks`, BODY, { timeoutMs: 5000 });
  expect(result).toEqual({ kind: 'response', status: 200 });
  expect(lookups).toEqual(['merchant.invalid']);
  expect(receiver.requests[0]!.headers.host).toBe(`merchant.invalid:${receiver.port}`);
});

test('does not follow redirects', async () => {
  receiver.script(302);
  const sender = new HttpWebhookSender({ allowLoopback: true });
  expect(await sender.post(receiver.url, BODY, { timeoutMs: 5000 })).toEqual({ kind: 'response', status: 302 });
  expect(receiver.requests).toHaveLength(1);
});

test('reports a timeout when the receiver does not answer in time', async () => {
  receiver.script('hang');
  const sender = new HttpWebhookSender({ allowLoopback: true });
  expect(await sender.post(receiver.url, BODY, { timeoutMs: 150 })).toEqual({ kind: 'timeout' });
});

test('reports a connection error for a closed port, and an unresolvable name', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolve(free));
    });
  });
  const sender = new HttpWebhookSender({ allowLoopback: true });
  expect(await sender.post(`http://127.0.0.1:${port}/`, BODY, { timeoutMs: 5000 })).toEqual({ kind: 'network', error: 'ECONNREFUSED' });
  const failing = new HttpWebhookSender({ allowLoopback: true, resolve: async () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })) });
  expect(await failing.post('http://nowhere.invalid/', BODY, { timeoutMs: 5000 })).toEqual({ kind: 'network', error: expect.stringContaining('ENOTFOUND') });
});

describe('kept-alive connections', () => {
  test('webhooks to the same address share one connection', async () => {
    const sender = new HttpWebhookSender({ allowLoopback: true });
    for (let i = 0; i < 3; i++) expect(await sender.post(receiver.url, BODY, { timeoutMs: 5000 })).toEqual({ kind: 'response', status: 200 });
    expect(receiver.requests).toHaveLength(3);
    expect(receiver.connections).toBe(1);
  });

  test('a host that now resolves to another address gets a new connection to that address', async () => {
    const other = await startReceiver(201, { host: '127.0.0.2', port: receiver.port });
    try {
      const answers = ['127.0.0.1', '127.0.0.2'];
      const sender = new HttpWebhookSender({ allowLoopback: true, resolve: async () => [{ address: answers.shift()!, family: 4 }] });
      const url = `http://merchant.invalid:${receiver.port}/hooks`;
      expect(await sender.post(url, BODY, { timeoutMs: 5000 })).toEqual({ kind: 'response', status: 200 });
      expect(await sender.post(url, BODY, { timeoutMs: 5000 })).toEqual({ kind: 'response', status: 201 });
      expect([receiver.requests.length, other.requests.length]).toEqual([1, 1]);
    } finally {
      await other.close();
    }
  });

  test('the idle timeout (4 s) never cuts a webhook the merchant is still answering', async () => {
    receiver.script(new Promise<number>((resolve) => setTimeout(() => resolve(200), 5_000)));
    const sender = new HttpWebhookSender({ allowLoopback: true });
    expect(await sender.post(receiver.url, BODY, { timeoutMs: 15_000 })).toEqual({ kind: 'response', status: 200 });
  }, 20_000);

  test('a pooled connection the server dropped is replaced, and the webhook still arrives', async () => {
    // Answers the first request of each connection; drops the connection on a second one, as a
    // server does that closed an idle connection just as the client wrote to it.
    const seen: string[] = [];
    const answer: RequestListener = (req, res) => {
      req.resume();
      req.on('end', () => {
        const served = (req.socket as { served?: number }).served ?? 0;
        (req.socket as { served?: number }).served = served + 1;
        seen.push(served === 0 ? 'answered' : 'dropped');
        if (served === 0) res.end('ok');
        else req.socket.destroy();
      });
    };
    await withServer(answer, async (url) => {
      const sender = new HttpWebhookSender({ allowLoopback: true });
      expect(await sender.post(url, BODY, { timeoutMs: 5000 })).toEqual({ kind: 'response', status: 200 });
      expect(await sender.post(url, BODY, { timeoutMs: 5000 })).toEqual({ kind: 'response', status: 200 });
      expect(seen).toEqual(['answered', 'dropped', 'answered']);
    });
  });

  test('a long response body is not read: its connection is closed and the next webhook opens another', async () => {
    const answer: RequestListener = (req, res) => {
      req.resume();
      req.on('end', () => res.end('x'.repeat(200 * 1024)));
    };
    await withServer(answer, async (url, connections) => {
      const sender = new HttpWebhookSender({ allowLoopback: true });
      expect(await sender.post(url, BODY, { timeoutMs: 5000 })).toEqual({ kind: 'response', status: 200 });
      expect(await sender.post(url, BODY, { timeoutMs: 5000 })).toEqual({ kind: 'response', status: 200 });
      expect(connections()).toBe(2);
    });
  });
});

/** A bare loopback server for one test: `run` gets its URL and how many connections it has accepted. */
async function withServer(answer: RequestListener, run: (url: string, connections: () => number) => Promise<void>): Promise<void> {
  const server = createHttpServer(answer);
  let connections = 0;
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, () => connections);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
