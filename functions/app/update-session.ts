import type { MerchantConfig } from '../domain/config';
import { ConflictError } from '../domain/errors';
import { isPastExpiry } from '../domain/expiry';
import type { Principal } from '../domain/permissions';
import { defaultFields, type Session } from '../domain/session';
import { qrCodePath } from '../domain/short-link';
import { isOpen } from '../domain/state-machine';
import type { Ports } from '../ports';
import { changeSession, type SessionWritePorts } from './change-session';
import { expiresAt } from './create-session';
import { expireIfDue } from './expire-session';
import { getSession } from './get-session';
import { readAttachmentRequest } from './read-attachment-request';
import { assertMayWrite, resolveSessionInput, type SessionRequest } from './resolve-session-input';
import { commitLinks, stageLinks, type LinkPorts } from './stage-session-links';

export type UpdateSessionPorts = SessionWritePorts & LinkPorts & Pick<Ports, 'config'>;

export interface UpdateSessionInput {
  principal: Principal;
  sessionId: string;
  request: SessionRequest;
  /** PATCH changes the fields sent; PUT replaces every writable field (create's rules). */
  mode: 'partial' | 'full';
}

/**
 * PATCH and PUT read the session eventually consistently (half a read unit). The edit's write is
 * conditional on the version read, so an older version can never be written over a newer one.
 * But an older version may be why the request fails: a lost race, a 409 for a state the session
 * has left, a 400 or 403 on fields changed since. So a failure is answered only once a strong
 * read shows the version it was decided on; otherwise the request runs again on what that read
 * shows, and that answer stands. A race lost to another writer cannot be told from an older read,
 * so it too runs once more (it used to answer 409 at once); a race lost again is the client's
 * 409 to retry.
 */
export async function updateSession(ports: UpdateSessionPorts, input: UpdateSessionInput): Promise<Session> {
  const [config, seen] = await Promise.all([ports.config.load(), getSession(ports, input.sessionId, { consistent: false })]);
  try {
    return await applyUpdate(ports, input, config, seen);
  } catch (error) {
    const current = await getSession(ports, input.sessionId);
    if (current.version === seen.version) throw error;
    return applyUpdate(ports, input, config, current);
  }
}

async function applyUpdate(ports: UpdateSessionPorts, { principal, request, mode }: UpdateSessionInput, config: MerchantConfig, previous: Session): Promise<Session> {
  const now = ports.clock.now();
  if (!isOpen(previous.state) || isPastExpiry(previous, now)) {
    // A session found past its time is marked expired now (with its event), flag or not. That is
    // housekeeping the sweep would also do, so its failure must not turn this 409 into a 5xx.
    const { state } = isOpen(previous.state) ? await expireIfDue(ports, previous).catch(() => ({ state: 'expired' })) : previous;
    throw new ConflictError(`The payment transaction can no longer be changed: it is ${state}.`);
  }
  const base = mode === 'full' ? defaultFields(config.default_expiration) : previous;
  const attachment = await readAttachmentRequest(ports, request.attachment);
  const resolved = resolveSessionInput(request, base, config, attachment.errors);
  assertMayWrite(principal, previous, 'change');
  assertMayWrite(principal, resolved.fields, 'change');

  // PUT keeps the attachment and short links unless the request brings new ones: they are not
  // fields a client can echo back (as DRF leaves a file field that a PUT omits).
  const staged = await stageLinks(ports, previous.session_id, previous, {
    source: attachment.source,
    shortifyAttachment: request.input.shortify_attachment_url,
    shortifyCheckout: request.input.shortify_checkout_url,
  });
  // The expiry clock restarts when the merchant sets expiration_time (DESIGN.md §2).
  const restartsExpiry = mode === 'full' || request.input.expiration_time !== undefined;
  const changes: Partial<Session> = {
    ...resolved.fields,
    ...staged.links,
    // Asked once, the QR code stays (like a short link): its image always shows the checkout URL.
    ...(request.input.generate_qr_code ? { qr_code_url: qrCodePath(previous.session_id) } : {}),
    operation: resolved.operation,
    payment_methods: resolved.payment_methods,
    expires_at: restartsExpiry ? expiresAt(now, resolved.fields.expiration_time) : previous.expires_at,
  };
  // A lost race is the client's to retry (409) with the state it then reads.
  return commitLinks(ports, staged, async () => (await changeSession(ports, previous, () => ({ action: 'edit', changes }))).session);
}
