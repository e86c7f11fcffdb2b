import type { IncomingFile } from '../domain/attachment';
import { ConflictError } from '../domain/errors';
import { isPastExpiry } from '../domain/expiry';
import type { Principal } from '../domain/permissions';
import { defaultFields, type Session } from '../domain/session';
import { fullSchema, partialSchema } from '../domain/session-schema';
import { isOpen } from '../domain/state-machine';
import type { Ports } from '../ports';
import { expiresAt } from './create-session';
import { expireIfDue } from './expire-session';
import { getSession } from './get-session';
import { readAttachmentRequest } from './read-attachment-request';
import { assertMayWrite, resolveSessionInput } from './resolve-session-input';
import { saveOrReport } from './save-session';
import { commitLinks, stageLinks } from './stage-session-links';

export interface UpdateSessionInput {
  principal: Principal;
  sessionId: string;
  body: unknown;
  /** PATCH changes the fields sent; PUT replaces every writable field (create's rules). */
  mode: 'partial' | 'full';
  /** File parts of a multipart body (`attachment`). */
  files?: readonly IncomingFile[];
  /** The API's public base URL: `attachment_upload_url` must lie under it. */
  baseUrl?: string;
}

export async function updateSession(ports: Ports, { principal, sessionId, body, mode, files = [], baseUrl }: UpdateSessionInput): Promise<Session> {
  const [config, previous] = await Promise.all([ports.config.load(), getSession(ports, sessionId)]);
  const now = ports.clock.now();
  if (!isOpen(previous.state) || isPastExpiry(previous, now)) {
    // A session found past its time is marked expired now (with its event), flag or not. That is
    // housekeeping the sweep would also do, so its failure must not turn this 409 into a 5xx.
    const { state } = isOpen(previous.state) ? await expireIfDue(ports, previous).catch(() => ({ state: 'expired' })) : previous;
    throw new ConflictError(`The payment transaction can no longer be changed: it is ${state}.`);
  }
  const base = mode === 'full' ? defaultFields(config.default_expiration) : previous;
  const schema = mode === 'full' ? fullSchema : partialSchema;
  const attachment = await readAttachmentRequest(ports, body, files, baseUrl);
  const { input, resolved } = resolveSessionInput(schema, body, base, config, attachment.errors);
  assertMayWrite(principal, previous, 'change');
  assertMayWrite(principal, resolved.fields, 'change');

  // PUT keeps the attachment and short links unless the request brings new ones: they are not
  // fields a client can echo back (as DRF leaves a file field that a PUT omits).
  const staged = await stageLinks(ports, previous.session_id, previous, {
    source: attachment.source,
    shortifyAttachment: input.shortify_attachment_url,
    shortifyCheckout: input.shortify_checkout_url,
  });
  // The expiry clock restarts when the merchant sets expiration_time (DESIGN.md §2).
  const restartsExpiry = mode === 'full' || input.expiration_time !== undefined;
  const next: Session = {
    ...previous,
    ...resolved.fields,
    ...staged.links,
    operation: resolved.operation,
    payment_methods: resolved.payment_methods,
    version: previous.version + 1,
    updated_at: now.toISOString(),
    expires_at: restartsExpiry ? expiresAt(now, resolved.fields.expiration_time) : previous.expires_at,
  };
  // An update changes no state, so it emits no event (Ottu sends none either).
  await commitLinks(ports, staged, () => saveOrReport(() => ports.sessions.update(next, previous, [])));
  return next;
}
