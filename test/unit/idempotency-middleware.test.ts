import type { Request } from '@middy/core';
import { MemoryIdempotencyStore } from '../../functions/adapters/embedded/memory-idempotency-store';
import { BadRequestError, ConflictError } from '../../functions/domain/errors';
import type { Principal } from '../../functions/domain/permissions';
import { json, type HttpEvent, type HttpResult, type UploadedFile } from '../../functions/handlers/http/http-event';
import { idempotency, type IdempotencyOptions } from '../../functions/handlers/http/idempotency';

/**
 * The idempotency middleware's own rules, driven as middy drives it (before, then after or
 * onError), on the embedded store: which header counts, what a malformed key gets, whose key it
 * is, how long a repeated Tracking-Key waits, which answers are kept, and what makes two
 * multipart uploads "the same". The HTTP suites prove the same middleware on real routes; these
 * pin the branches those leave untested (each test here fails on one of Stryker's survivors).
 */

const API_KEY: Principal = { kind: 'api_key', id: 'k1', name: 'key one' };
const USER_SAME_ID = { kind: 'user', id: 'k1', name: 'clerk', user: {} } as unknown as Principal;

type EventOptions = {
  headers?: Record<string, string>;
  method?: string;
  body?: string;
  principal?: Principal;
  /** A multipart body: its parsed fields and files (the raw body holds the random boundary). */
  fields?: Record<string, string>;
  files?: UploadedFile[];
};

function eventOf({ headers = {}, method = 'POST', body = '{"amount":"1"}', principal = API_KEY, fields, files }: EventOptions): HttpEvent {
  return {
    headers,
    routeKey: 'POST /b/checkout/v1/pymt-txn/',
    requestContext: { http: { method } },
    body: fields ?? JSON.parse(body),
    rawBody: Buffer.from(body),
    files,
    principal,
    baseUrl: 'https://checkout.test',
  } as unknown as HttpEvent;
}

function setup(options: IdempotencyOptions = {}) {
  const store = new MemoryIdempotencyStore();
  const begins = jest.spyOn(store, 'begin');
  const middleware = idempotency({ idempotency: store, clock: { now: () => new Date('2026-12-01T00:00:00Z') } }, options);
  let answers = 0;
  /** One request through the middleware; the handler answers `status` with a fresh body. */
  const send = async (event: HttpEvent, status = 201): Promise<HttpResult> => {
    const request = { event, context: {}, response: undefined, error: undefined, internal: {} } as unknown as Request<HttpEvent, HttpResult>;
    const replay = await middleware.before!(request);
    if (replay) return replay as HttpResult;
    answers += 1;
    request.response = json(status, { answer: answers });
    await middleware.after!(request);
    return request.response;
  };
  /** Starts a request and leaves it in progress (its handler has not answered yet). */
  const start = async (event: HttpEvent) => {
    const request = { event, context: {}, response: undefined, error: undefined, internal: {} } as unknown as Request<HttpEvent, HttpResult>;
    expect(await middleware.before!(request)).toBeUndefined();
    return {
      finish: async (status = 201) => {
        answers += 1;
        request.response = json(status, { answer: answers });
        await middleware.after!(request);
      },
      fail: async (error: Error) => {
        request.error = error;
        await middleware.onError!(request);
      },
    };
  };
  return { store, begins, send, start };
}

const answerOf = (result: HttpResult) => JSON.parse(result.body).answer as number;

describe('the key header', () => {
  test.each([
    ['an empty key', ''],
    ['a space (0x20)', 'has space'],
    ['DEL (0x7f)', 'del\x7f'],
    ['a non-ASCII character', 'clé'],
    ['256 characters', 'k'.repeat(256)],
  ])('%s is a 400 naming Idempotency-Key, and nothing is claimed', async (_name, key) => {
    const { send, begins } = setup();
    await expect(send(eventOf({ headers: { 'idempotency-key': key } }))).rejects.toThrow(
      new BadRequestError('Idempotency-Key must be 1 to 255 printable ASCII characters.'),
    );
    expect(begins).not.toHaveBeenCalled();
  });

  test("the printable range's ends and 255 characters are keys", async () => {
    const { send } = setup();
    for (const key of ['!', '~', 'k'.repeat(255)]) {
      const first = await send(eventOf({ headers: { 'idempotency-key': key } }));
      const again = await send(eventOf({ headers: { 'idempotency-key': key } }));
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(answerOf(again)).toBe(answerOf(first));
    }
  });

  test('a malformed Tracking-Key is a 400 naming Tracking-Key', async () => {
    const { send } = setup({ trackingKey: true });
    await expect(send(eventOf({ headers: { 'tracking-key': 'a b' } }))).rejects.toThrow(
      new BadRequestError('Tracking-Key must be 1 to 255 printable ASCII characters.'),
    );
  });

  test('Tracking-Key counts only where the route takes it', async () => {
    const { send, begins } = setup();
    const first = await send(eventOf({ headers: { 'tracking-key': 'op-1' } }));
    const second = await send(eventOf({ headers: { 'tracking-key': 'op-1' } }));
    expect(begins).not.toHaveBeenCalled();
    expect(answerOf(second)).not.toBe(answerOf(first));
  });

  test('with both headers the Idempotency-Key is the key: a malformed Tracking-Key beside it is not read', async () => {
    const { send } = setup({ trackingKey: true });
    const first = await send(eventOf({ headers: { 'idempotency-key': 'idem-1', 'tracking-key': 'not valid' } }));
    const again = await send(eventOf({ headers: { 'idempotency-key': 'idem-1', 'tracking-key': 'other' } }));
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(answerOf(again)).toBe(answerOf(first));
  });

  test('a repeat that adds a Tracking-Key beside its Idempotency-Key is still the same request', async () => {
    const { send } = setup({ trackingKey: true });
    const first = await send(eventOf({ headers: { 'idempotency-key': 'idem-2' } }));
    const again = await send(eventOf({ headers: { 'idempotency-key': 'idem-2', 'tracking-key': 'op-9' } }));
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(answerOf(again)).toBe(answerOf(first));
  });

  test('an Idempotency-Key and a Tracking-Key with the same text are two keys', async () => {
    const { send } = setup({ trackingKey: true });
    const byIdempotency = await send(eventOf({ headers: { 'idempotency-key': 'same-text' } }));
    const byTracking = await send(eventOf({ headers: { 'tracking-key': 'same-text' } }));
    expect(byTracking.headers['idempotent-replayed']).toBeUndefined();
    expect(answerOf(byTracking)).not.toBe(answerOf(byIdempotency));
  });

  test('only a POST is kept', async () => {
    const { send, begins } = setup();
    await send(eventOf({ method: 'PATCH', headers: { 'idempotency-key': 'p-1' } }));
    expect(begins).not.toHaveBeenCalled();
  });
});

test('two API keys sending one key and one body get their own answers', async () => {
  const { send } = setup();
  const first = await send(eventOf({ headers: { 'idempotency-key': 'shared' }, principal: API_KEY }));
  const second = await send(eventOf({ headers: { 'idempotency-key': 'shared' }, principal: { ...API_KEY, id: 'k2' } }));
  expect(second.headers['idempotent-replayed']).toBeUndefined();
  expect(answerOf(second)).not.toBe(answerOf(first));
});

test('the stored key is the caller, the route and the key, in a fixed format: records written before a deploy are found after it', async () => {
  const { send, begins } = setup({ trackingKey: true });
  await send(eventOf({ headers: { 'idempotency-key': 'i-1' } }));
  await send(eventOf({ headers: { 'tracking-key': 't-1' }, principal: USER_SAME_ID }));
  await send(eventOf({ headers: { 'idempotency-key': 'a-1' }, principal: null as unknown as Principal }));
  expect(begins.mock.calls.map(([key]) => key)).toEqual([
    'api_key:k1:POST /b/checkout/v1/pymt-txn/:i-1',
    'tracking:user:k1:POST /b/checkout/v1/pymt-txn/:t-1',
    'anonymous::POST /b/checkout/v1/pymt-txn/:a-1',
  ]);
});

test('an API key and a Basic user whose ids are equal still get their own answers', async () => {
  const { send } = setup();
  const byKey = await send(eventOf({ headers: { 'idempotency-key': 'shared' }, principal: API_KEY }));
  const byUser = await send(eventOf({ headers: { 'idempotency-key': 'shared' }, principal: USER_SAME_ID }));
  expect(byUser.headers['idempotent-replayed']).toBeUndefined();
  expect(answerOf(byUser)).not.toBe(answerOf(byKey));
});

describe('which answers are kept', () => {
  test('a 500 is released: the retry runs again', async () => {
    const { send } = setup();
    const failed = await send(eventOf({ headers: { 'idempotency-key': 'r-1' } }), 500);
    const retried = await send(eventOf({ headers: { 'idempotency-key': 'r-1' } }));
    expect(retried.statusCode).toBe(201);
    expect(answerOf(retried)).not.toBe(answerOf(failed));
  });

  test('a 4xx is kept and replayed as it was sent', async () => {
    const { send } = setup();
    const refused = await send(eventOf({ headers: { 'idempotency-key': 'r-2' } }), 499);
    const again = await send(eventOf({ headers: { 'idempotency-key': 'r-2' } }));
    expect(again.statusCode).toBe(499);
    expect(answerOf(again)).toBe(answerOf(refused));
  });

  test('a thrown error is kept as its rendered answer (a 409 is replayed, not run again)', async () => {
    const { send, start } = setup();
    const first = await start(eventOf({ headers: { 'idempotency-key': 'r-3' } }));
    await first.fail(new ConflictError('taken'));
    const again = await send(eventOf({ headers: { 'idempotency-key': 'r-3' } }));
    expect(again.statusCode).toBe(409);
    expect(JSON.parse(again.body)).toEqual({ detail: 'taken' });
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  test('a handler that gave no answer leaves nothing kept', async () => {
    const { store } = setup();
    const event = eventOf({ headers: { 'idempotency-key': 'r-4' } });
    const request = { event, context: {}, response: undefined, error: undefined, internal: {} } as unknown as Request<HttpEvent, HttpResult>;
    const middleware = idempotency({ idempotency: store, clock: { now: () => new Date() } });
    await middleware.before!(request);
    await expect(middleware.after!(request)).resolves.toBeUndefined();
    // Still in progress (it goes stale by itself), neither completed nor released.
    expect(await store.begin('api_key:k1:POST /b/checkout/v1/pymt-txn/:r-4', 'x', new Date())).toEqual({ status: 'in_progress' });
  });

  test('another body under a kept key is a 409 naming the header', async () => {
    const { send } = setup({ trackingKey: true });
    await send(eventOf({ headers: { 'tracking-key': 'b-1' }, body: '{"amount":"1"}' }));
    await expect(send(eventOf({ headers: { 'tracking-key': 'b-1' }, body: '{"amount":"2"}' }))).rejects.toThrow(
      new ConflictError('This Tracking-Key was already used with a different request body.'),
    );
  });
});

describe('a repeat while the first request runs', () => {
  afterEach(() => jest.useRealTimers());

  test('an Idempotency-Key repeat is a 409 at once', async () => {
    const { send, start, begins } = setup();
    await start(eventOf({ headers: { 'idempotency-key': 'w-1' } }));
    await expect(send(eventOf({ headers: { 'idempotency-key': 'w-1' } }))).rejects.toThrow(
      new ConflictError('A request with this Idempotency-Key is still being processed.'),
    );
    expect(begins).toHaveBeenCalledTimes(2);
  });

  test("a Tracking-Key repeat waits for the first request's answer and replays it", async () => {
    jest.useFakeTimers();
    const { send, start } = setup({ trackingKey: true });
    const first = await start(eventOf({ headers: { 'tracking-key': 'w-2' } }));
    const repeat = send(eventOf({ headers: { 'tracking-key': 'w-2' } }));
    await jest.advanceTimersByTimeAsync(500);
    await first.finish();
    await jest.advanceTimersByTimeAsync(100);
    const replayed = await repeat;
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(answerOf(replayed)).toBe(1);
  });

  test('a Tracking-Key repeat waits 10 s, no longer, then is a 409 naming Tracking-Key', async () => {
    jest.useFakeTimers();
    const { send, start } = setup({ trackingKey: true });
    await start(eventOf({ headers: { 'tracking-key': 'w-3' } }));
    let outcome: unknown;
    send(eventOf({ headers: { 'tracking-key': 'w-3' } })).catch((error: unknown) => (outcome = error));
    await jest.advanceTimersByTimeAsync(9_950);
    expect(outcome).toBeUndefined();
    await jest.advanceTimersByTimeAsync(50);
    expect(outcome).toEqual(new ConflictError('A request with this Tracking-Key is still being processed.'));
  });
});

describe('a multipart upload is the same request by its fields and files, not its bytes', () => {
  const file = (overrides: Partial<UploadedFile> = {}): UploadedFile => ({
    field: 'file', filename: 'invoice.pdf', mimetype: 'application/pdf', content: Buffer.from('%PDF-1.4 one'), truncated: false, ...overrides,
  });
  const upload = (boundary: string, files: UploadedFile[], note = 'x') =>
    eventOf({ headers: { 'idempotency-key': 'u-1' }, body: `--${boundary}`, fields: { note }, files });

  test('the same file under another boundary is replayed', async () => {
    const { send } = setup();
    const first = await send(upload('a1', [file()]));
    const again = await send(upload('b2', [file()]));
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(answerOf(again)).toBe(answerOf(first));
  });

  test.each([
    ['content', { content: Buffer.from('%PDF-1.4 two') }],
    ['file name', { filename: 'other.pdf' }],
    ['field', { field: 'attachment' }],
  ])("another file's %s is another request (409)", async (_name, change) => {
    const { send } = setup();
    await send(upload('a1', [file()]));
    await expect(send(upload('a1', [file(change)]))).rejects.toThrow(ConflictError);
  });

  test('another field value is another request (409)', async () => {
    const { send } = setup();
    await send(upload('a1', [file()]));
    await expect(send(upload('a1', [file()], 'y'))).rejects.toThrow(ConflictError);
  });
});
