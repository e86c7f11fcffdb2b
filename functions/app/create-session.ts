import { durationSeconds } from '../domain/expiration';
import { initiatorOf, type Principal } from '../domain/permissions';
import { defaultFields, noPayment, type Session } from '../domain/session';
import { qrCodePath } from '../domain/short-link';
import type { Ports } from '../ports';
import { createSessionRecord, type SessionWritePorts } from './change-session';
import { readAttachmentRequest } from './read-attachment-request';
import { assertMayWrite, resolveSessionInput, type SessionRequest } from './resolve-session-input';
import { commitLinks, NO_LINKS, stageLinks, type LinkPorts } from './stage-session-links';

export type CreateSessionPorts = SessionWritePorts & LinkPorts & Pick<Ports, 'config'>;

export interface CreateSessionInput {
  principal: Principal;
  request: SessionRequest;
}

export async function createSession(ports: CreateSessionPorts, { principal, request }: CreateSessionInput): Promise<Session> {
  const config = await ports.config.load();
  const attachment = await readAttachmentRequest(ports, request.attachment);
  const resolved = resolveSessionInput(request, defaultFields(config.default_expiration), config, attachment.errors);
  assertMayWrite(principal, resolved.fields, 'add');

  const now = ports.clock.now();
  const sessionId = ports.ids.sessionId();
  const staged = await stageLinks(ports, sessionId, NO_LINKS, {
    source: attachment.source,
    shortifyAttachment: request.input.shortify_attachment_url,
    shortifyCheckout: request.input.shortify_checkout_url,
  });
  return commitLinks(ports, staged, () =>
    createSessionRecord(ports, {
      ...resolved.fields,
      ...staged.links,
      ...(request.input.generate_qr_code ? { qr_code_url: qrCodePath(sessionId) } : {}),
      session_id: sessionId,
      initiator: initiatorOf(principal),
      operation: resolved.operation,
      payment_methods: resolved.payment_methods,
      remarks: null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      expires_at: expiresAt(now, resolved.fields.expiration_time),
      ...noPayment(),
    }),
  );
}

export function expiresAt(from: Date, expirationTime: string): string {
  return new Date(from.getTime() + (durationSeconds(expirationTime) ?? 0) * 1000).toISOString();
}
