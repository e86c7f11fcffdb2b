import { ManualClock } from '../../functions/adapters/system-clock';
import { startTestApi, type TestApi } from '../fixtures/local-api';
import { exe, tinyDocx, tinyPdf, tinyPng, tinyXlsx } from '../fixtures/sample-files';

const TXN = '/b/checkout/v1/pymt-txn/';
const UPLOAD = '/b/checkout/v1/upload-attachment/';
const NOT_A_FILE = 'The submitted data was not a file. Attachments can only be sent as multipart/form-data, not as JSON or form text.';

// One API per file: the runtime installs its ports process-wide, so a second one would take over.
let api: TestApi;
const clock = new ManualClock(new Date());
beforeAll(async () => {
  api = await startTestApi({ clock });
});
afterAll(() => api.close());

/** The seed's required fields as a multipart form, plus whatever the test adds. */
function sessionForm(fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  const all = { type: 'payment_request', pg_codes: 'sandbox-kwd', amount: '14', currency_code: 'KWD', ...fields };
  for (const [name, value] of Object.entries(all)) form.append(name, value);
  return form;
}

function withFile(form: FormData, field: string, filename: string, content: Uint8Array, type = 'application/octet-stream'): FormData {
  form.append(field, new Blob([content], { type }), filename);
  return form;
}

/** A multipart body written by hand, for bodies fetch's FormData will not produce (cut short). */
function rawMultipart(parts: Array<{ name: string; filename?: string; content: Buffer | string }>, boundary = 'TestBoundary7MA4YWxk'): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`), Buffer.from(part.content), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** Everything the API stored besides sessions: objects, short links, committed events. */
async function leftovers() {
  return { objects: await api.ports.attachments.list(), links: api.ports.shortLinks.codes(), events: api.ports.sessions.outbox.length };
}

const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;
const tokenOf = (url: string) => new URL(url).pathname.split('/').pop()!;

async function download(url: string) {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

async function createWithPdf(fields: Record<string, string> = {}, pdf = tinyPdf()) {
  const created = await api.request('POST', TXN, { body: withFile(sessionForm(fields), 'attachment', 'invoice.pdf', pdf, 'application/pdf') });
  expect(created.status).toBe(201);
  return created.json;
}

describe('attachment on create', () => {
  test('a multipart create with a real PDF returns an attachment URL that downloads the same bytes', async () => {
    const pdf = tinyPdf('Invoice 1001');
    const before = await api.ports.attachments.list();
    const session = await createWithPdf({}, pdf);
    expect(session.attachment).toMatch(new RegExp(`^${api.url}/b/checkout/v1/attachments/[A-Za-z0-9_-]{32}$`));
    expect(session.amount).toBe('14.000');

    const served = await download(session.attachment);
    expect(served.status).toBe(200);
    expect(served.bytes.equals(pdf)).toBe(true);
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(served.headers.get('content-disposition')).toBe(`attachment; filename="invoice.pdf"; filename*=UTF-8''invoice.pdf`);
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');

    // One new object, named by nothing but the random token in the URL.
    const added = (await api.ports.attachments.list()).filter((key) => !before.includes(key));
    expect(added).toEqual([`attachments/${tokenOf(session.attachment)}`]);
    expect(added[0]).not.toContain(session.session_id);
    expect(added[0]).not.toContain('invoice');

    const fetched = await api.request('GET', `${TXN}${session.session_id}/`, { auth: 'none' });
    expect(fetched.json.attachment).toBe(session.attachment);
  });

  test.each([
    ['a Word document', 'letter.docx', tinyDocx()],
    ['a spreadsheet', 'sheet.xlsx', tinyXlsx()],
    ['an image', 'logo.png', tinyPng()],
  ])('accepts %s', async (_label, name, content) => {
    const created = await api.request('POST', TXN, { body: withFile(sessionForm(), 'attachment', name, content) });
    expect(created.status).toBe(201);
    expect((await download(created.json.attachment)).bytes.equals(content)).toBe(true);
  });

  test('without a file the session has no attachment and nothing is stored', async () => {
    const before = await leftovers();
    const created = await api.request('POST', TXN, { body: sessionForm() });
    expect(created.status).toBe(201);
    expect(created.json.attachment).toBe('');
    expect((await leftovers()).objects).toEqual(before.objects);
  });
});

describe('bad uploads get a 400 naming the field, and nothing is stored', () => {
  const cases: Array<[string, () => FormData | Buffer, string]> = [
    ['a wrong extension', () => withFile(sessionForm(), 'attachment', 'tool.exe', exe()), "File extension 'exe' is not allowed. Allowed extensions are: pdf, jpeg, jpg, png, doc, docx, xls, xlsx."],
    ['an executable named .pdf', () => withFile(sessionForm(), 'attachment', 'invoice.pdf', exe()), "The file's content does not match its extension 'pdf'."],
    ['a zip named .pdf', () => withFile(sessionForm(), 'attachment', 'invoice.pdf', tinyDocx()), "The file's content does not match its extension 'pdf'."],
    ['a spreadsheet named .docx', () => withFile(sessionForm(), 'attachment', 'letter.docx', tinyXlsx()), "The file's content does not match its extension 'docx'."],
    ['an empty file', () => withFile(sessionForm(), 'attachment', 'empty.pdf', Buffer.alloc(0)), 'The submitted file is empty.'],
    [
      'an oversized file',
      () => withFile(sessionForm(), 'attachment', 'big.pdf', Buffer.concat([tinyPdf(), Buffer.alloc(2.6 * 1024 * 1024)])),
      `Ensure this file is no larger than 2.5 MB (2621440 bytes); it has ${tinyPdf().length + Math.floor(2.6 * 1024 * 1024)} bytes.`,
    ],
    ['a name over 100 characters', () => withFile(sessionForm(), 'attachment', `${'n'.repeat(101)}.pdf`, tinyPdf()), 'Ensure this filename has at most 100 characters (it has 105).'],
    ['two files', () => withFile(withFile(sessionForm(), 'attachment', 'a.pdf', tinyPdf()), 'attachment', 'b.pdf', tinyPdf()), 'Only one file may be submitted.'],
    ['the attachment as a text field', () => sessionForm({ attachment: 'https://example.com/invoice.pdf' }), NOT_A_FILE],
    [
      'a truncated multipart body',
      () => {
        const body = rawMultipart([
          { name: 'type', content: 'payment_request' },
          { name: 'pg_codes', content: 'sandbox-kwd' },
          { name: 'amount', content: '14' },
          { name: 'currency_code', content: 'KWD' },
          { name: 'attachment', filename: 'invoice.pdf', content: tinyPdf() },
        ]);
        return body.subarray(0, body.length - 200);
      },
      'The file is incomplete: the request body ended before the file did.',
    ],
  ];

  test.each(cases)('%s', async (_label, makeBody, message) => {
    const before = await leftovers();
    const body = makeBody();
    const headers: Record<string, string> = Buffer.isBuffer(body) ? { 'content-type': 'multipart/form-data; boundary=TestBoundary7MA4YWxk' } : {};
    const response = await api.request('POST', TXN, { body: Buffer.isBuffer(body) ? new Uint8Array(body) : body, headers });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ attachment: [message] });
    expect(await leftovers()).toEqual(before);
  });

  test('a JSON body carrying an attachment gets the seed\'s error', async () => {
    const before = await leftovers();
    const body = { type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '14', currency_code: 'KWD', attachment: 'JVBERi0xLjQK' };
    const response = await api.request('POST', TXN, { body });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ attachment: [NOT_A_FILE] });
    expect(await leftovers()).toEqual(before);
  });

  test('one response names every problem: the file and the other fields', async () => {
    const before = await leftovers();
    const response = await api.request('POST', TXN, { body: withFile(sessionForm({ amount: '1.2345' }), 'attachment', 'x.pdf', exe()) });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      amount: ['Ensure that there are no more than 3 decimal places.'],
      attachment: ["The file's content does not match its extension 'pdf'."],
    });
    expect(await leftovers()).toEqual(before);
  });

  test('a failed session write leaves no object and no short link behind', async () => {
    const orderNo = `order-${Date.now()}`;
    expect((await api.request('POST', TXN, { body: sessionForm({ order_no: orderNo }) })).status).toBe(201);
    const before = await leftovers();
    // Valid in itself, so the file and the links are stored; then the order_no claim fails.
    const response = await api.request('POST', TXN, {
      body: withFile(sessionForm({ order_no: orderNo, shortify_attachment_url: 'true', shortify_checkout_url: 'true' }), 'attachment', 'invoice.pdf', tinyPdf()),
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ order_no: ['Payment transaction with this order_no already exists.'] });
    expect(await leftovers()).toEqual(before);
  });
});

describe('short links', () => {
  test('shortify flags fill the short URLs, which redirect to their targets', async () => {
    const session = await createWithPdf({ shortify_attachment_url: 'true', shortify_checkout_url: 'true' });
    const short = new RegExp(`^${api.url}/s/[0-9A-Za-z]{10}$`);
    expect(session.attachment_short_url).toMatch(short);
    expect(session.checkout_short_url).toMatch(short);
    expect(session.attachment_short_url).not.toBe(session.checkout_short_url);

    const toCheckout = await api.request('GET', pathOf(session.checkout_short_url), { auth: 'none' });
    expect(toCheckout.status).toBe(302);
    expect(toCheckout.headers.get('location')).toBe(session.checkout_url);

    const toAttachment = await api.request('GET', pathOf(session.attachment_short_url), { auth: 'none' });
    expect(toAttachment.status).toBe(302);
    expect(toAttachment.headers.get('location')).toBe(session.attachment);
    expect((await download(toAttachment.headers.get('location')!)).bytes.equals(tinyPdf())).toBe(true);
  });

  test('without the flags there are no short URLs; shortify_attachment_url without a file makes none', async () => {
    const plain = await createWithPdf();
    expect(plain.attachment_short_url).toBe('');
    expect(plain.checkout_short_url).toBe('');
    const noFile = await api.request('POST', TXN, { body: { ...jsonBody(), shortify_attachment_url: true } });
    expect(noFile.status).toBe(201);
    expect(noFile.json.attachment_short_url).toBe('');
  });

  test('JSON creates may shortify the checkout URL too', async () => {
    const created = await api.request('POST', TXN, { body: { ...jsonBody(), shortify_checkout_url: true } });
    expect(created.status).toBe(201);
    const followed = await api.request('GET', pathOf(created.json.checkout_short_url), { auth: 'none' });
    expect(followed.headers.get('location')).toBe(created.json.checkout_url);
  });

  test('unknown and malformed codes are 404', async () => {
    for (const code of ['Zz9Zz9Zz9Z', 'short', 'has-dash-00', 'x'.repeat(40)]) {
      const response = await api.request('GET', `/s/${code}`, { auth: 'none' });
      expect(response.status).toBe(404);
      expect(response.json).toEqual({ detail: 'Not found.' });
    }
  });

  test('PATCH may shortify later; asking again keeps the link', async () => {
    const session = await createWithPdf();
    const first = await api.request('PATCH', `${TXN}${session.session_id}/`, { body: { shortify_attachment_url: true, shortify_checkout_url: true } });
    expect(first.status).toBe(200);
    expect(first.json.attachment_short_url).toMatch(/\/s\/[0-9A-Za-z]{10}$/);
    const again = await api.request('PATCH', `${TXN}${session.session_id}/`, { body: { shortify_attachment_url: true, shortify_checkout_url: true } });
    expect(again.json.attachment_short_url).toBe(first.json.attachment_short_url);
    expect(again.json.checkout_short_url).toBe(first.json.checkout_short_url);
  });
});

describe('replacing an attachment', () => {
  test('PATCH replaces the file and its short link; the old ones are gone after the commit', async () => {
    const session = await createWithPdf({ shortify_attachment_url: 'true' });
    const before = await leftovers();
    const png = tinyPng();
    const patched = await api.request('PATCH', `${TXN}${session.session_id}/`, { body: withFile(new FormData(), 'attachment', 'logo.png', png) });
    expect(patched.status).toBe(200);
    expect(patched.json.attachment).not.toBe(session.attachment);
    expect((await download(patched.json.attachment)).bytes.equals(png)).toBe(true);
    expect((await download(session.attachment)).status).toBe(404);

    // The short link follows the attachment: a new code for the new file, the old code retired.
    expect(patched.json.attachment_short_url).not.toBe(session.attachment_short_url);
    expect((await api.request('GET', pathOf(patched.json.attachment_short_url), { auth: 'none' })).headers.get('location')).toBe(patched.json.attachment);
    expect((await api.request('GET', pathOf(session.attachment_short_url), { auth: 'none' })).status).toBe(404);

    const after = await leftovers();
    expect(after.objects).toHaveLength(before.objects.length);
    expect(after.objects).toContain(`attachments/${tokenOf(patched.json.attachment)}`);
    expect(after.links).toHaveLength(before.links.length);
  });

  test('PUT may bring a new file; a PUT without one keeps the attachment', async () => {
    const session = await createWithPdf();
    const put = await api.request('PUT', `${TXN}${session.session_id}/`, { body: withFile(sessionForm({ amount: '20' }), 'attachment', 'new.pdf', tinyPdf('New')) });
    expect(put.status).toBe(200);
    expect((await download(put.json.attachment)).bytes.equals(tinyPdf('New'))).toBe(true);
    const kept = await api.request('PUT', `${TXN}${session.session_id}/`, { body: jsonBody({ amount: '21' }) });
    expect(kept.status).toBe(200);
    expect(kept.json.attachment).toBe(put.json.attachment);
    expect(kept.json.amount).toBe('21.000');
  });

  test('a refused replacement keeps the old file', async () => {
    const session = await createWithPdf();
    const before = await leftovers();
    const refused = await api.request('PATCH', `${TXN}${session.session_id}/`, { body: withFile(new FormData(), 'attachment', 'x.png', exe()) });
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ attachment: ["The file's content does not match its extension 'png'."] });
    expect(await leftovers()).toEqual(before);
    expect((await download(session.attachment)).status).toBe(200);
  });

  test('concurrent replacements leave exactly the winning file and no orphans', async () => {
    const session = await createWithPdf({ shortify_attachment_url: 'true' });
    const before = await leftovers();
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        api.request('PATCH', `${TXN}${session.session_id}/`, { body: withFile(new FormData(), 'attachment', `v${n}.pdf`, tinyPdf(`Version ${n}`)) }),
      ),
    );
    expect(results.map((r) => r.status).every((status) => status === 200 || status === 409)).toBe(true);
    expect(results.some((r) => r.status === 200)).toBe(true);
    const current = (await api.request('GET', `${TXN}${session.session_id}/`, { auth: 'none' })).json;
    const after = await leftovers();
    // Same count as before: the session's one attachment and one short link, whatever won.
    expect(after.objects).toHaveLength(before.objects.length);
    expect(after.objects).toContain(`attachments/${tokenOf(current.attachment)}`);
    expect(after.links).toHaveLength(before.links.length);
    expect(after.links).toContain(tokenOf(current.attachment_short_url));
  });

  test('a closed session refuses a new file and stores nothing', async () => {
    const created = await api.request('POST', TXN, { body: jsonBody({ expiration_time: '00:01:00' }) });
    clock.advance(120_000);
    const before = await leftovers();
    const response = await api.request('PATCH', `${TXN}${created.json.session_id}/`, { body: withFile(new FormData(), 'attachment', 'a.pdf', tinyPdf()) });
    expect(response.status).toBe(409);
    // No file or link is kept; the only write is the session being marked expired, with its event.
    expect(await leftovers()).toEqual({ ...before, events: before.events + 1 });
  });
});

describe('upload-attachment', () => {
  const upload = (form: FormData, auth = 'key') => api.request('POST', UPLOAD, { body: form, auth });

  test('needs credentials', async () => {
    const response = await upload(withFile(new FormData(), 'file', 'a.pdf', tinyPdf()), 'none');
    expect(response.status).toBe(401);
  });

  test('stores a file first; a create then takes it by attachment_upload_url, even as JSON', async () => {
    const png = tinyPng();
    const uploaded = await upload(withFile(new FormData(), 'file', 'logo.png', png));
    expect(uploaded.status).toBe(200);
    expect(uploaded.json).toEqual({ file_url: expect.stringMatching(new RegExp(`^${api.url}/b/checkout/v1/attachments/[A-Za-z0-9_-]{32}$`)), original_filename: 'logo.png' });
    expect((await download(uploaded.json.file_url)).bytes.equals(png)).toBe(true);
    // Kept apart from session attachments, so unattached uploads can be expired by prefix.
    expect(await api.ports.attachments.list()).toContain(`uploads/${tokenOf(uploaded.json.file_url)}`);

    const created = await api.request('POST', TXN, { body: jsonBody({ attachment_upload_url: uploaded.json.file_url, shortify_attachment_url: true }) });
    expect(created.status).toBe(201);
    // The session owns a copy, so replacing or deleting it never breaks the upload's URL.
    expect(created.json.attachment).not.toBe(uploaded.json.file_url);
    expect((await download(created.json.attachment)).bytes.equals(png)).toBe(true);
    expect(await api.ports.attachments.list()).toContain(`attachments/${tokenOf(created.json.attachment)}`);
    const followed = await api.request('GET', pathOf(created.json.attachment_short_url), { auth: 'none' });
    expect(followed.headers.get('location')).toBe(created.json.attachment);

    const patched = await api.request('PATCH', `${TXN}${created.json.session_id}/`, { body: { attachment_upload_url: pathOf(uploaded.json.file_url) } });
    expect(patched.status).toBe(200);
    expect((await download(created.json.attachment)).status).toBe(404);
    expect((await download(uploaded.json.file_url)).status).toBe(200);
  });

  test('attachment_upload_url must be one of ours and exist', async () => {
    const uploaded = await upload(withFile(new FormData(), 'file', 'a.pdf', tinyPdf()));
    const message = ['Enter the `file_url` of a file uploaded to this API with upload-attachment.'];
    const foreign = uploaded.json.file_url.replace(api.url, 'https://attacker.example.com');
    const unknown = `${api.url}/b/checkout/v1/attachments/${'A'.repeat(32)}`;
    for (const url of [foreign, unknown, 'https://example.com/a.pdf', 'not a url']) {
      const before = await leftovers();
      const response = await api.request('POST', TXN, { body: jsonBody({ attachment_upload_url: url }) });
      expect(response.status).toBe(400);
      expect(response.json).toEqual({ attachment_upload_url: message });
      expect(await leftovers()).toEqual(before);
    }
    const both = await api.request('POST', TXN, { body: withFile(sessionForm({ attachment_upload_url: uploaded.json.file_url }), 'attachment', 'b.pdf', tinyPdf()) });
    expect(both.status).toBe(400);
    expect(both.json).toEqual({ attachment_upload_url: ['Provide either `attachment` or `attachment_upload_url`, not both.'] });
  });

  test('with session_id it attaches at once, and may shortify', async () => {
    const session = (await api.request('POST', TXN, { body: jsonBody() })).json;
    const form = withFile(new FormData(), 'file', 'invoice.pdf', tinyPdf());
    form.append('session_id', session.session_id);
    form.append('shortify_attachment_url', 'true');
    const uploaded = await upload(form);
    expect(uploaded.status).toBe(200);
    const current = (await api.request('GET', `${TXN}${session.session_id}/`, { auth: 'none' })).json;
    expect(uploaded.json).toEqual({ file_url: current.attachment, original_filename: 'invoice.pdf', attachment_short_url: current.attachment_short_url });
    expect(current.attachment_short_url).toMatch(/\/s\/[0-9A-Za-z]{10}$/);
    expect((await download(current.attachment)).bytes.equals(tinyPdf())).toBe(true);
  });

  test('with order_no it attaches to the session holding that order_no', async () => {
    const orderNo = `upload-${Date.now()}`;
    const session = (await api.request('POST', TXN, { body: jsonBody({ order_no: orderNo }) })).json;
    const form = withFile(new FormData(), 'file', 'sheet.xlsx', tinyXlsx());
    form.append('order_no', orderNo);
    const uploaded = await upload(form);
    expect(uploaded.status).toBe(200);
    const current = (await api.request('GET', `${TXN}${session.session_id}/`, { auth: 'none' })).json;
    expect(current.attachment).toBe(uploaded.json.file_url);
  });

  const uploadErrors: Array<[string, () => FormData, Record<string, string[]>]> = [
    ['no file', () => new FormData(), { file: ['No file was submitted.'] }],
    ['a file under another name', () => withFile(new FormData(), 'attachment', 'a.pdf', tinyPdf()), { file: ['No file was submitted.'] }],
    ['a wrong extension', () => withFile(new FormData(), 'file', 'a.zip', tinyDocx()), { file: ["File extension 'zip' is not allowed. Allowed extensions are: pdf, jpeg, jpg, png, doc, docx, xls, xlsx."] }],
    ['an executable named .pdf', () => withFile(new FormData(), 'file', 'a.pdf', exe()), { file: ["The file's content does not match its extension 'pdf'."] }],
    ['an empty file', () => withFile(new FormData(), 'file', 'a.pdf', Buffer.alloc(0)), { file: ['The submitted file is empty.'] }],
    ['two files', () => withFile(withFile(new FormData(), 'file', 'a.pdf', tinyPdf()), 'file', 'b.pdf', tinyPdf()), { file: ['Only one file may be submitted.'] }],
    [
      'an unknown session_id',
      () => withField(withFile(new FormData(), 'file', 'a.pdf', tinyPdf()), 'session_id', 'f'.repeat(40)),
      { session_id: [`No PaymentTransaction found with \`session_id\` of ${'f'.repeat(40)}.`] },
    ],
    [
      'an unknown order_no',
      () => withField(withFile(new FormData(), 'file', 'a.pdf', tinyPdf()), 'order_no', 'no-such-order'),
      { order_no: ['No PaymentTransaction found with `order_no` of no-such-order.'] },
    ],
    [
      'both session_id and order_no',
      () => withField(withField(withFile(new FormData(), 'file', 'a.pdf', tinyPdf()), 'order_no', 'x'), 'session_id', 'y'),
      { session_id: ['Please provide only `order_no` or `session_id`, not both.'], order_no: ['Please provide only `order_no` or `session_id`, not both.'] },
    ],
    [
      'shortify without a transaction',
      () => withField(withFile(new FormData(), 'file', 'a.pdf', tinyPdf()), 'shortify_attachment_url', 'true'),
      { attachment_short_url: ['You must provide either `session_id` or `order_no` to identify the PaymentTransaction.'] },
    ],
  ];

  test.each(uploadErrors)('%s is a 400 and stores nothing', async (_label, makeForm, errors) => {
    const before = await leftovers();
    const response = await upload(makeForm());
    expect(response.status).toBe(400);
    expect(response.json).toEqual(errors);
    expect(await leftovers()).toEqual(before);
  });

  test('a JSON body or a truncated upload names the file field', async () => {
    const before = await leftovers();
    const json = await api.request('POST', UPLOAD, { body: { file: 'JVBERi0xLjQK' } });
    expect(json.status).toBe(400);
    expect(json.json).toEqual({ file: [NOT_A_FILE] });
    const body = rawMultipart([{ name: 'file', filename: 'a.pdf', content: tinyPdf() }]);
    const truncated = await api.request('POST', UPLOAD, {
      body: new Uint8Array(body.subarray(0, body.length - 100)),
      headers: { 'content-type': 'multipart/form-data; boundary=TestBoundary7MA4YWxk' },
    });
    expect(truncated.status).toBe(400);
    expect(truncated.json).toEqual({ file: ['The file is incomplete: the request body ended before the file did.'] });
    expect(await leftovers()).toEqual(before);
  });

  test('a Basic user without any write permission may not upload', async () => {
    const config = await api.ports.config.load();
    try {
      api.ports.config.replace({ ...config, users: config.users.map((user) => ({ ...user, permissions: { payment_request: ['view'] } })) });
      const response = await upload(withFile(new FormData(), 'file', 'a.pdf', tinyPdf()), 'basic');
      expect(response.status).toBe(403);
    } finally {
      api.ports.config.replace(config);
    }
  });
});

describe('downloads', () => {
  test('unknown and malformed tokens are 404', async () => {
    for (const token of ['A'.repeat(32), 'short', 'A'.repeat(31) + '.']) {
      const response = await api.request('GET', `/b/checkout/v1/attachments/${token}`, { auth: 'none' });
      expect(response.status).toBe(404);
      expect(response.json).toEqual({ detail: 'Not found.' });
    }
  });
});

test('an Idempotency-Key replays a multipart create although each send has a new boundary', async () => {
  const before = await leftovers();
  const key = `multipart-${Math.random()}`;
  const first = await api.request('POST', TXN, { body: withFile(sessionForm(), 'attachment', 'invoice.pdf', tinyPdf()), headers: { 'idempotency-key': key } });
  const second = await api.request('POST', TXN, { body: withFile(sessionForm(), 'attachment', 'invoice.pdf', tinyPdf()), headers: { 'idempotency-key': key } });
  expect(first.status).toBe(201);
  expect(second.status).toBe(201);
  expect(second.headers.get('idempotent-replayed')).toBe('true');
  expect(second.json).toEqual(first.json);
  expect((await leftovers()).objects).toHaveLength(before.objects.length + 1);
  const other = await api.request('POST', TXN, { body: withFile(sessionForm(), 'attachment', 'invoice.pdf', tinyPdf('Other')), headers: { 'idempotency-key': key } });
  expect(other.status).toBe(409);
  expect((await leftovers()).objects).toHaveLength(before.objects.length + 1);
});

function jsonBody(extra: Record<string, unknown> = {}) {
  return { type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '14', currency_code: 'KWD', ...extra };
}

function withField(form: FormData, name: string, value: string): FormData {
  form.append(name, value);
  return form;
}
