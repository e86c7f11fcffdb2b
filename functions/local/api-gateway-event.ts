import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';

/**
 * The API Gateway (HTTP API, payload 2.0) event for a request, as both local stand-ins build it:
 * the local gateway (`npm start`) and the local cloud's HTTP API (the synthesized stage). Path
 * parameters are passed raw, percent-escapes and all, as API Gateway does: the handler decodes.
 */

/** Origin-form paths are joined, not resolved: `//x` is a path here, not a host. */
export function requestUrl(req: IncomingMessage): URL {
  return new URL(`http://localhost${(req.url ?? '/').startsWith('/') ? req.url : `/${req.url}`}`);
}

export function apiGatewayEvent(req: IncomingMessage, url: URL, routeKey: string, pathParameters: Record<string, string>, body: Buffer, requestId: string): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  // API Gateway joins a repeated header with commas (Node would keep only the first Authorization).
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values !== undefined) headers[name] = values.join(name === 'cookie' ? '; ' : ',');
  }
  const query = [...url.searchParams.keys()].length
    ? Object.fromEntries([...new Set(url.searchParams.keys())].map((key) => [key, url.searchParams.getAll(key).join(',')]))
    : undefined;
  // API Gateway (payload v2) moves the Cookie header into `cookies`, one `name=value` each.
  const cookies = headers.cookie?.split(';').map((cookie) => cookie.trim()).filter(Boolean);
  delete headers.cookie;
  const now = new Date();
  // Text goes as a string, like API Gateway; bytes that are not UTF-8 go as base64, unchanged,
  // so the handler sees (and refuses) them instead of U+FFFD in their place.
  const textual = /^(application\/(json|x-www-form-urlencoded)|text\/)/i.test(headers['content-type'] ?? '') && isUtf8(body);
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies,
    headers,
    queryStringParameters: query,
    pathParameters,
    isBase64Encoded: body.length > 0 && !textual,
    body: body.length === 0 ? undefined : textual ? body.toString('utf8') : body.toString('base64'),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
  };
}
