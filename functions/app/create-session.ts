import type { IncomingFile } from '../domain/attachment';
import { durationSeconds } from '../domain/expiration';
import { sessionEvent } from '../domain/events';
import type { Principal } from '../domain/permissions';
import { defaultFields, noPayment, type Session } from '../domain/session';
import { fullSchema } from '../domain/session-schema';
import type { Ports } from '../ports';
import { readAttachmentRequest } from './read-attachment-request';
import { assertMayWrite, resolveSessionInput } from './resolve-session-input';
import { saveOrReport } from './save-session';
import { commitLinks, NO_LINKS, stageLinks } from './stage-session-links';

export interface CreateSessionInput {
  principal: Principal;
  body: unknown;
  /** File parts of a multipart body (`attachment`). */
  files?: readonly IncomingFile[];
  /** The API's public base URL: `attachment_upload_url` must lie under it. */
  baseUrl?: string;
}

export async function createSession(ports: Ports, { principal, body, files = [], baseUrl }: CreateSessionInput): Promise<Session> {
  const config = await ports.config.load();
  const attachment = await readAttachmentRequest(ports, body, files, baseUrl);
  const { input, resolved } = resolveSessionInput(fullSchema, body, defaultFields(config.default_expiration), config, attachment.errors);
  assertMayWrite(principal, resolved.fields, 'add');

  const now = ports.clock.now();
  const sessionId = ports.ids.sessionId();
  const staged = await stageLinks(ports, sessionId, NO_LINKS, {
    source: attachment.source,
    shortifyAttachment: input.shortify_attachment_url,
    shortifyCheckout: input.shortify_checkout_url,
  });
  const session: Session = {
    ...resolved.fields,
    ...staged.links,
    session_id: sessionId,
    state: 'created',
    version: 1,
    operation: resolved.operation,
    payment_methods: resolved.payment_methods,
    remarks: null,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
    expires_at: expiresAt(now, resolved.fields.expiration_time),
    ...noPayment(),
  };
  await commitLinks(ports, staged, () => saveOrReport(() => ports.sessions.create(session, [sessionEvent('created', session, ports.ids.eventId(), now)])));
  return session;
}

export function expiresAt(from: Date, expirationTime: string): string {
  return new Date(from.getTime() + (durationSeconds(expirationTime) ?? 0) * 1000).toISOString();
}
