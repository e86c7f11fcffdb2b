import {
  attachmentTokenOf,
  checkAttachment,
  contentDisposition,
  MAX_ATTACHMENT_BYTES,
  zipEntryNames,
  type IncomingFile,
} from '../../functions/domain/attachment';
import { exe, ole2, tinyDocx, tinyJpeg, tinyPdf, tinyPng, tinyXlsx, zip } from '../fixtures/sample-files';

const file = (filename: string, content: Uint8Array, truncated = false): IncomingFile => ({ field: 'attachment', filename, content, truncated });
const messageOf = (result: ReturnType<typeof checkAttachment>) => (result.ok ? 'ok' : result.message);

describe('checkAttachment', () => {
  test.each([
    ['invoice.pdf', tinyPdf(), 'application/pdf'],
    ['photo.png', tinyPng(), 'image/png'],
    ['photo.jpg', tinyJpeg(), 'image/jpeg'],
    ['PHOTO.JPEG', tinyJpeg(), 'image/jpeg'],
    ['letter.doc', ole2(), 'application/msword'],
    ['sheet.xls', ole2(), 'application/vnd.ms-excel'],
    ['letter.docx', tinyDocx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['sheet.xlsx', tinyXlsx(), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ])('accepts a real %s', (name, content, type) => {
    const result = checkAttachment(file(name, content));
    expect(result).toEqual({ ok: true, value: expect.objectContaining({ filename: name, contentType: type }) });
  });

  test.each([
    ['a zip named .pdf', 'invoice.pdf', tinyDocx()],
    ['an executable named .pdf', 'invoice.pdf', exe()],
    ['a PDF named .png', 'photo.png', tinyPdf()],
    ['a PNG named .jpg', 'photo.jpg', tinyPng()],
    ['an executable named .doc', 'letter.doc', exe()],
    ['a spreadsheet named .docx', 'letter.docx', tinyXlsx()],
    ['a document named .xlsx', 'sheet.xlsx', tinyDocx()],
    ['a plain zip named .docx', 'letter.docx', zip({ 'word/document.xml': '<x/>' })],
    ['a PK header without a directory named .docx', 'letter.docx', Buffer.concat([Buffer.from('PK\x03\x04word/'), Buffer.alloc(40)])],
  ])('refuses %s', (_label, name, content) => {
    expect(messageOf(checkAttachment(file(name, content)))).toBe(`The file's content does not match its extension '${name.split('.').pop()}'.`);
  });

  test('refuses other extensions, naming them', () => {
    expect(messageOf(checkAttachment(file('tool.exe', exe())))).toBe(
      "File extension 'exe' is not allowed. Allowed extensions are: pdf, jpeg, jpg, png, doc, docx, xls, xlsx.",
    );
    expect(messageOf(checkAttachment(file('README', tinyPdf())))).toMatch(/^File extension '' is not allowed/);
    expect(messageOf(checkAttachment(file('invoice.pdf.exe', tinyPdf())))).toMatch(/^File extension 'exe'/);
  });

  test('refuses an empty file, a nameless one and a name over 100 characters', () => {
    expect(messageOf(checkAttachment(file('empty.pdf', Buffer.alloc(0))))).toBe('The submitted file is empty.');
    expect(messageOf(checkAttachment(file('', tinyPdf())))).toBe('No filename could be determined.');
    expect(messageOf(checkAttachment(file(`${'a'.repeat(97)}.pdf`, tinyPdf())))).toBe('Ensure this filename has at most 100 characters (it has 101).');
    expect(checkAttachment(file(`${'a'.repeat(96)}.pdf`, tinyPdf())).ok).toBe(true);
  });

  test('refuses a file over 2.5 MB, or one the transport cut short', () => {
    const big = Buffer.concat([tinyPdf(), Buffer.alloc(MAX_ATTACHMENT_BYTES)]);
    expect(messageOf(checkAttachment(file('big.pdf', big)))).toBe(
      `Ensure this file is no larger than 2.5 MB (2621440 bytes); it has ${big.length} bytes.`,
    );
    expect(messageOf(checkAttachment(file('big.pdf', tinyPdf(), true)))).toBe('Ensure this file is no larger than 2.5 MB (2621440 bytes).');
    const exact = Buffer.concat([tinyPdf(), Buffer.alloc(MAX_ATTACHMENT_BYTES - tinyPdf().length)]);
    expect(checkAttachment(file('edge.pdf', exact)).ok).toBe(true);
  });
});

describe('zipEntryNames', () => {
  test('lists the central directory, also behind a trailing comment', () => {
    expect(zipEntryNames(zip({ 'a.txt': 'x', 'xl/b.xml': 'y' }, 'a comment'))).toEqual(['a.txt', 'xl/b.xml']);
  });

  test('gives up on garbage and on a cut-off archive', () => {
    expect(zipEntryNames(Buffer.from('not a zip at all, just text'))).toBeUndefined();
    const whole = tinyDocx();
    expect(zipEntryNames(whole.subarray(0, whole.length - 10))).toBeUndefined();
    expect(zipEntryNames(Buffer.alloc(0))).toBeUndefined();
  });

  test('refuses a directory that points past its end record', () => {
    const broken = Buffer.from(tinyDocx());
    broken.writeUInt32LE(0xffffff, broken.length - 6); // central directory offset
    expect(zipEntryNames(broken)).toBeUndefined();
  });
});

describe('attachment URLs', () => {
  const token = 'A'.repeat(31) + '_';
  test('accepts our own absolute URL or the bare path', () => {
    expect(attachmentTokenOf(`https://pay.example.com/b/checkout/v1/attachments/${token}`, 'https://pay.example.com')).toBe(token);
    expect(attachmentTokenOf(`/b/checkout/v1/attachments/${token}/`)).toBe(token);
  });

  test('refuses other hosts, other paths and malformed tokens', () => {
    expect(attachmentTokenOf(`https://evil.example.com/b/checkout/v1/attachments/${token}`, 'https://pay.example.com')).toBeUndefined();
    expect(attachmentTokenOf(`https://pay.example.com/b/checkout/v1/attachments/${token}`)).toBeUndefined();
    expect(attachmentTokenOf(`//evil.example.com/b/checkout/v1/attachments/${token}`, 'https://pay.example.com')).toBeUndefined();
    expect(attachmentTokenOf(`/b/checkout/v1/attachments/${token}?x=1`)).toBeUndefined();
    expect(attachmentTokenOf('/b/checkout/v1/attachments/../../secret')).toBeUndefined();
    expect(attachmentTokenOf('not a url', 'https://pay.example.com')).toBeUndefined();
  });
});

test('content disposition cannot be used to inject headers', () => {
  const header = contentDisposition('a"b\r\nSet-Cookie: x=1 فاتورة.pdf');
  expect(header).not.toMatch(/[\r\n]/);
  expect(header).toBe(
    `attachment; filename="a_b__Set-Cookie: x=1 ______.pdf"; filename*=UTF-8''a%22b%0D%0ASet-Cookie%3A%20x%3D1%20%D9%81%D8%A7%D8%AA%D9%88%D8%B1%D8%A9.pdf`,
  );
});
