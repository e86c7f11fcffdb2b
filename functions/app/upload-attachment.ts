import { attachmentPath, uploadKey, type CheckedAttachment } from '../domain/attachment';
import { PLUGINS } from '../domain/config';
import { NotFoundError, PermissionDeniedError, ValidationError, type FieldErrors } from '../domain/errors';
import { mayOnPlugin, type Principal } from '../domain/permissions';
import type { Session } from '../domain/session';
import type { UploadFields } from '../domain/session-schema';
import { getSession } from './get-session';
import { updateSession, type UpdateSessionPorts } from './update-session';

export type UploadAttachmentPorts = UpdateSessionPorts;

export interface UploadAttachmentInput {
  principal: Principal;
  /** The `file` part, checked, or why it was refused (absent: none was sent). */
  file?: CheckedAttachment;
  fileError?: string;
  /** The form's other fields, or the schema's complaints about them. */
  fields: { ok: true; value: UploadFields } | { ok: false; errors: FieldErrors };
}

/** Paths relative to the API's base URL. */
export interface UploadedAttachment {
  file_url: string;
  original_filename: string;
  attachment_short_url?: string;
}

/**
 * Ottu's upload-attachment: stores a file (field `file`) for a later `attachment_upload_url`,
 * or, given `session_id` or `order_no`, attaches it to that payment transaction at once (a PATCH
 * of its attachment, with the same rules).
 */
export async function uploadAttachment(ports: UploadAttachmentPorts, { principal, file, fileError, fields }: UploadAttachmentInput): Promise<UploadedAttachment> {
  const errors: FieldErrors = {};
  if (fileError) errors.file = [fileError];
  else if (!file) errors.file = ['No file was submitted.'];
  if (!fields.ok) throw new ValidationError({ ...fields.errors, ...errors });
  const { session_id: sessionId, order_no: orderNo, shortify_attachment_url: shortify } = fields.value;
  if (sessionId && orderNo) {
    errors.session_id = errors.order_no = ['Please provide only `order_no` or `session_id`, not both.'];
  } else if (shortify && !sessionId && !orderNo) {
    errors.attachment_short_url = ['You must provide either `session_id` or `order_no` to identify the PaymentTransaction.'];
  }
  if (Object.keys(errors).length > 0 || !file) throw new ValidationError(errors);

  if (sessionId || orderNo) {
    const target = await findTarget(ports, sessionId, orderNo);
    const session = await updateSession(ports, {
      principal,
      sessionId: target.session_id,
      request: { input: { shortify_attachment_url: shortify }, errors: {}, attachment: { file } },
      mode: 'partial',
    });
    return {
      file_url: session.attachment,
      original_filename: file.filename,
      ...(shortify ? { attachment_short_url: session.attachment_short_url } : {}),
    };
  }

  // Storing without a session still needs the right to write some payment transaction.
  if (!PLUGINS.some((plugin) => mayOnPlugin(principal, plugin, 'add') || mayOnPlugin(principal, plugin, 'change'))) {
    throw new PermissionDeniedError('You do not have permission to upload attachments.');
  }
  const token = ports.ids.attachmentToken();
  await ports.attachments.put(uploadKey(token), { content: file.content, contentType: file.contentType, filename: file.filename });
  return { file_url: attachmentPath(token), original_filename: file.filename };
}

async function findTarget(ports: UploadAttachmentPorts, sessionId: string | null | undefined, orderNo: string | null | undefined): Promise<Session> {
  if (sessionId) {
    const session = await getSession(ports, sessionId).catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });
    if (!session) throw new ValidationError({ session_id: [`No PaymentTransaction found with \`session_id\` of ${sessionId}.`] });
    return session;
  }
  const session = await ports.sessions.findByOrderNo(orderNo ?? '');
  if (!session) throw new ValidationError({ order_no: [`No PaymentTransaction found with \`order_no\` of ${orderNo}.`] });
  return session;
}
