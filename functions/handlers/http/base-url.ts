import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The base URL of the host the request came to (links when no CHECKOUT_PUBLIC_URL is set). */
export function baseUrlOf(event: Pick<APIGatewayProxyEventV2, 'headers' | 'requestContext'>): string {
  const host = event.headers['x-forwarded-host'] ?? event.headers.host ?? event.requestContext.domainName;
  const proto = event.headers['x-forwarded-proto'] ?? (/^(localhost|127\.|\[::1\])/.test(host) ? 'http' : 'https');
  return `${proto.split(',')[0]!.trim()}://${host}`;
}
