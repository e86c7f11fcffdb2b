import { dynamoSessionReader } from '../../adapters/aws/dynamo-session-repository';
import { getSession, type GetSessionPorts } from '../../app/get-session';
import { NotFoundError } from '../../domain/errors';
import { checkoutUrl } from '../../domain/session';
import { qrCodeSvg } from '../../views/qr-code';
import { lambdaEntry } from '../lambda-entry';
import { httpHandler } from './http-handler';

/**
 * A session's `qr_code_url` (Ottu's `generate_qr_code`): an SVG QR code of its checkout URL.
 * Public like the session itself (the session id is the capability); 404 for a session that did
 * not ask for one. The image depends only on the id and the base URL, so caches may keep it.
 */
export function wire(ports: GetSessionPorts) {
  return httpHandler(async (event) => {
    const session = await getSession(ports, event.pathParameters?.session_id ?? '', { consistent: false });
    if (!session.qr_code_url) throw new NotFoundError('Not found.');
    return {
      statusCode: 200,
      headers: { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'" },
      body: qrCodeSvg(checkoutUrl(event.baseUrl, session.session_id)),
    };
  });
}

export const build = () => wire({ sessions: dynamoSessionReader() });
export const handler = lambdaEntry(build);
