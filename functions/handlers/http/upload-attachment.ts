import { uploadAttachment } from '../../app/upload-attachment';
import { parseWith, UPLOAD_FIELD_NAMES, uploadSchema } from '../../domain/session-schema';
import { lambdaEntry } from '../lambda-entry';
import { json } from './http-event';
import { authenticated } from './authenticated';
import { httpHandler } from './http-handler';
import { filesInTextFields, readFilePart } from './session-request';
import { awsSessionRoutePorts, type SessionRoutePorts } from './session-route-ports';

export function wire(ports: SessionRoutePorts) {
  return httpHandler(
    async (event) => {
      const { file, error } = readFilePart(event, 'file');
      const parsed = parseWith(uploadSchema, event.body);
      const misplaced = filesInTextFields(event, UPLOAD_FIELD_NAMES);
      const fields = Object.keys(misplaced).length === 0 ? parsed : { ok: false as const, errors: { ...(parsed.ok ? {} : parsed.errors), ...misplaced } };
      const uploaded = await uploadAttachment(ports, { principal: event.principal!, file, fileError: error, fields });
      const base = event.baseUrl;
      return json(200, {
        file_url: base + uploaded.file_url,
        original_filename: uploaded.original_filename,
        ...(uploaded.attachment_short_url ? { attachment_short_url: base + uploaded.attachment_short_url } : {}),
      });
    },
    authenticated(ports),
  );
}

export const build = () => wire(awsSessionRoutePorts());
export const handler = lambdaEntry(build);
