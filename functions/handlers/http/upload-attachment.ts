import { uploadAttachment } from '../../app/upload-attachment';
import { getPorts } from '../../runtime/ports';
import { baseUrl, json, type HttpEvent } from './http-event';
import { httpHandler } from './http-handler';

export async function uploadAttachmentHttp(event: HttpEvent) {
  const base = baseUrl(event);
  const uploaded = await uploadAttachment(getPorts(), { principal: event.principal!, body: event.body, files: event.files ?? [], baseUrl: base });
  return json(200, {
    file_url: base + uploaded.file_url,
    original_filename: uploaded.original_filename,
    ...(uploaded.attachment_short_url ? { attachment_short_url: base + uploaded.attachment_short_url } : {}),
  });
}

export const handler = httpHandler(uploadAttachmentHttp, { auth: true });
