import { ATTACHMENT_PATH_PREFIX, attachmentKey, attachmentPath } from '../domain/attachment';
import { ValidationError } from '../domain/errors';
import type { Session } from '../domain/session';
import { SHORT_LINK_PREFIX, checkoutPath, shortLinkPath } from '../domain/short-link';
import type { Ports } from '../ports';
import type { AttachmentSource } from './read-attachment-request';
import { shortenUrl } from './shorten-url';

/** The parts of a session that point at things stored outside its item. */
/** Where staged files and links go, and the ids they get. */
export type LinkPorts = Pick<Ports, 'attachments' | 'shortLinks' | 'ids'>;

export type SessionLinks = Pick<Session, 'attachment' | 'attachment_short_url' | 'checkout_short_url'>;

export const NO_LINKS: SessionLinks = { attachment: '', attachment_short_url: '', checkout_short_url: '' };

export interface LinkRequest {
  source?: AttachmentSource;
  shortifyAttachment?: boolean;
  shortifyCheckout?: boolean;
}

interface Stored {
  keys: string[];
  codes: string[];
}

/**
 * A session write's new objects and links, stored before the write. `created` is removed if the
 * write fails, `replaced` once it has committed (never before: until then the old version, and
 * whoever reads it, still points at them).
 */
export interface StagedLinks {
  links: SessionLinks;
  created: Stored;
  replaced: Stored;
}

/**
 * Stores what the session write will point at: the attachment object (only now, after every
 * validation passed) and the short links asked for. A link already there is kept; an attachment
 * short link follows its attachment when that is replaced.
 */
export async function stageLinks(ports: LinkPorts, sessionId: string, previous: SessionLinks, request: LinkRequest): Promise<StagedLinks> {
  const links: SessionLinks = { attachment: previous.attachment, attachment_short_url: previous.attachment_short_url, checkout_short_url: previous.checkout_short_url };
  const staged: StagedLinks = { links, created: { keys: [], codes: [] }, replaced: { keys: [], codes: [] } };
  try {
    if (request.source) {
      const token = ports.ids.attachmentToken();
      await storeAttachment(ports, request.source, attachmentKey(token));
      staged.created.keys.push(attachmentKey(token));
      staged.links.attachment = attachmentPath(token);
      const oldToken = suffixAfter(previous.attachment, ATTACHMENT_PATH_PREFIX);
      if (oldToken) staged.replaced.keys.push(attachmentKey(oldToken));
    }
    const { attachment } = staged.links;
    const keepsShortLink = previous.attachment_short_url !== '' && attachment === previous.attachment;
    if (attachment !== '' && !keepsShortLink && (request.shortifyAttachment || previous.attachment_short_url !== '')) {
      const code = await shortenUrl(ports, attachment);
      staged.created.codes.push(code);
      staged.links.attachment_short_url = shortLinkPath(code);
      const oldCode = suffixAfter(previous.attachment_short_url, SHORT_LINK_PREFIX);
      if (oldCode) staged.replaced.codes.push(oldCode);
    }
    if (request.shortifyCheckout && previous.checkout_short_url === '') {
      const code = await shortenUrl(ports, checkoutPath(sessionId));
      staged.created.codes.push(code);
      staged.links.checkout_short_url = shortLinkPath(code);
    }
  } catch (error) {
    await discard(ports, staged.created);
    throw error;
  }
  return staged;
}

/** Runs the session write; undoes the staged objects if it fails, retires the replaced ones if not. */
export async function commitLinks<T>(ports: LinkPorts, staged: StagedLinks, write: () => Promise<T>): Promise<T> {
  let written: T;
  try {
    written = await write();
  } catch (error) {
    await discard(ports, staged.created);
    throw error;
  }
  await discard(ports, staged.replaced);
  return written;
}

async function storeAttachment(ports: LinkPorts, source: AttachmentSource, key: string): Promise<void> {
  if (source.kind === 'file') {
    const { content, contentType, filename } = source.file;
    await ports.attachments.put(key, { content, contentType, filename });
    return;
  }
  // An upload is copied, not shared: each session owns its object and may delete it on replacement.
  const copied = await ports.attachments.copy(source.key, key);
  if (!copied) throw new ValidationError({ attachment_upload_url: ['The uploaded file no longer exists.'] });
}

/**
 * Best effort: a clean-up that fails leaves an object or link nothing points at, never a session
 * pointing at nothing, and must not hide the error that caused it.
 */
async function discard(ports: LinkPorts, stored: Stored): Promise<void> {
  await Promise.allSettled([...stored.keys.map((key) => ports.attachments.delete(key)), ...stored.codes.map((code) => ports.shortLinks.delete(code))]);
}

function suffixAfter(path: string, prefix: string): string | undefined {
  return path.startsWith(prefix) && path.length > prefix.length ? path.slice(prefix.length) : undefined;
}
