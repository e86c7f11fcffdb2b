import { MemoryAttachmentStore } from '../../functions/adapters/embedded/memory-attachment-store';
import { MemorySessionRepository } from '../../functions/adapters/embedded/memory-session-repository';
import { randomIds } from '../../functions/adapters/random-ids';
import { ManualClock } from '../../functions/adapters/system-clock';
import { createSession } from '../fixtures/session-requests';
import { shortenUrl } from '../../functions/app/shorten-url';
import { updateSession } from '../fixtures/session-requests';
import type { IncomingFile } from '../../functions/domain/attachment';
import { ConflictError, ServiceUnavailableError } from '../../functions/domain/errors';
import type { Principal } from '../../functions/domain/permissions';
import type { Session } from '../../functions/domain/session';
import type { SessionEvent } from '../../functions/domain/events';
import type { Ids } from '../../functions/ports';
import { embeddedPorts as buildPorts } from '../../functions/local/embedded-ports';
import { DEMO_ENV } from '../fixtures/local-api';
import { tinyPdf, tinyPng } from '../fixtures/sample-files';
import { demoMerchant } from '../fixtures/embedded-ports';

const principal: Principal = { kind: 'api_key', id: 'test', name: 'test' };
const body = { type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '14', currency_code: 'KWD' };
const pdf = (): IncomingFile => ({ field: 'attachment', filename: 'invoice.pdf', content: tinyPdf() });

/**
 * Another writer commits between this request's read and its write: the same interleaving two
 * Lambdas produce, made deterministic by committing the rival update just before ours.
 */
class RacedRepository extends MemorySessionRepository {
  /** How many of the next updates a rival beats. */
  races = 0;
  override async update(next: Session, previous: Session, events: SessionEvent[]): Promise<void> {
    if (this.races > 0) {
      this.races--;
      await super.update({ ...previous, version: previous.version + 1, customer_first_name: 'Rival' }, previous, []);
    }
    return super.update(next, previous, events);
  }
}

async function embeddedPorts(overrides: { attachments?: MemoryAttachmentStore; ids?: Ids } = {}) {
  const { config, credentials } = await demoMerchant(DEMO_ENV);
  const ports = buildPorts(config, credentials.webhookKey, new ManualClock(new Date('2026-11-25T10:00:00Z')));
  return { ...ports, sessions: new RacedRepository(), ...overrides };
}

test('a PATCH that loses a race removes the file and short link it stored, and keeps the old ones', async () => {
  const ports = await embeddedPorts();
  const session = await createSession(ports, { principal, body: { ...body, shortify_attachment_url: true }, files: [pdf()] });
  const before = { objects: await ports.attachments.list(), links: ports.shortLinks.codes() };

  // Lost twice: the attempt on the eventually consistent read, then its run on the strong one.
  ports.sessions.races = 2;
  const png: IncomingFile = { field: 'attachment', filename: 'logo.png', content: tinyPng() };
  await expect(updateSession(ports, { principal, sessionId: session.session_id, body: {}, files: [png], mode: 'partial' })).rejects.toBeInstanceOf(ConflictError);

  expect({ objects: await ports.attachments.list(), links: ports.shortLinks.codes() }).toEqual(before);
  const stored = await ports.sessions.get(session.session_id);
  expect(stored?.customer_first_name).toBe('Rival');
  expect(stored?.attachment).toBe(session.attachment);
  expect(await ports.shortLinks.resolve(stored!.attachment_short_url.replace('/s/', ''))).toBe(session.attachment);
});

test('a PATCH that loses one race runs again on the strong read: the first attempt\'s file and link are removed, the old ones retired', async () => {
  const ports = await embeddedPorts();
  const session = await createSession(ports, { principal, body: { ...body, shortify_attachment_url: true }, files: [pdf()] });
  ports.sessions.races = 1;
  const png: IncomingFile = { field: 'attachment', filename: 'logo.png', content: tinyPng() };
  const edited = await updateSession(ports, { principal, sessionId: session.session_id, body: {}, files: [png], mode: 'partial' });
  expect(edited).toMatchObject({ customer_first_name: 'Rival', version: 3 });
  expect(edited.attachment).not.toBe(session.attachment);
  const code = (path: string) => path.replace('/s/', '');
  // Only what the session now points at is stored.
  expect(await ports.attachments.list()).toHaveLength(1);
  expect(ports.shortLinks.codes()).toEqual([code(edited.attachment_short_url)]);
  expect(await ports.shortLinks.resolve(code(edited.attachment_short_url))).toBe(edited.attachment);
});

test('a storage failure fails the create before any session exists', async () => {
  const attachments = new MemoryAttachmentStore();
  attachments.put = async () => {
    throw new Error('S3 is down');
  };
  const ports = await embeddedPorts({ attachments });
  await expect(createSession(ports, { principal, body, files: [pdf()] })).rejects.toThrow('S3 is down');
  expect(ports.sessions.outbox).toEqual([]);
});

describe('shortenUrl', () => {
  const codes = (...list: string[]) => ({ ...randomIds, shortCode: () => list.shift() ?? 'Spare00000' });

  test('retries with a fresh code when the first is taken', async () => {
    const ports = await embeddedPorts({ ids: codes('Dup0000000', 'Dup0000000', 'Fresh00000') });
    expect(await shortenUrl(ports, '/first')).toBe('Dup0000000');
    expect(await shortenUrl(ports, '/second')).toBe('Fresh00000');
    expect(await ports.shortLinks.resolve('Dup0000000')).toBe('/first');
    expect(await ports.shortLinks.resolve('Fresh00000')).toBe('/second');
  });

  test('gives up with a 503 after a few collisions; the create it served leaves nothing behind', async () => {
    const ports = await embeddedPorts({ ids: { ...randomIds, shortCode: () => 'Same000000' } });
    await ports.shortLinks.create('Same000000', '/someone-else');
    const error = await createSession(ports, { principal, body: { ...body, shortify_attachment_url: true }, files: [pdf()] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(await ports.attachments.list()).toEqual([]);
    expect(ports.shortLinks.codes()).toEqual(['Same000000']);
    expect(await ports.shortLinks.resolve('Same000000')).toBe('/someone-else');
    expect(ports.sessions.outbox).toEqual([]);
  });
});

test('short codes are 10 letters of the 62-letter alphabet, and attachment tokens 32 base64url', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const code = randomIds.shortCode();
    expect(code).toMatch(/^[0-9A-Za-z]{10}$/);
    seen.add(code);
  }
  expect(seen.size).toBe(2000);
  // Every letter turns up: no part of the alphabet is unreachable.
  expect(new Set([...seen].join('')).size).toBe(62);
  expect(randomIds.attachmentToken()).toMatch(/^[A-Za-z0-9_-]{32}$/);
});
