/** Refusals that only exist at the HTTP edge: the request itself, not what it asks for. */

export class MethodNotAllowedError extends Error {
  override readonly name = 'MethodNotAllowedError';
  constructor(method: string) {
    super(`Method "${method}" not allowed.`);
  }
}

export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
  constructor(limitBytes: number) {
    super(`Request body exceeds the limit of ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaTypeError extends Error {
  override readonly name = 'UnsupportedMediaTypeError';
  constructor(contentType: string, hint?: string) {
    super(`Unsupported media type "${contentType}" in request.${hint ? ` ${hint}` : ''}`);
  }
}
