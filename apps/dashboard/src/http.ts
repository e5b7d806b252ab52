import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route answers; written to the socket in one place. */
export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

export class BodyTooLargeError extends RangeError {
  override readonly name = 'BodyTooLargeError';
}

/** Problem types (RFC 9457) of the dashboard's API, one per thing a client can do about it. */
export const PROBLEM = {
  validation: 'urn:council-conform:problem:validation',
  unauthenticated: 'urn:council-conform:problem:unauthenticated',
  forbidden: 'urn:council-conform:problem:forbidden',
  notFound: 'urn:council-conform:problem:not-found',
  conflict: 'urn:council-conform:problem:conflict',
  methodNotAllowed: 'urn:council-conform:problem:method-not-allowed',
  unsupportedMediaType: 'urn:council-conform:problem:unsupported-media-type',
  tooLarge: 'urn:council-conform:problem:too-large',
  rateLimited: 'urn:council-conform:problem:rate-limited',
  serverError: 'urn:council-conform:problem:server-error',
  /** A signed report refused; the member `reason` says why, in the words `conform verify` uses. */
  reportRefused: 'urn:council-conform:problem:report-refused',
} as const;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A JSON body's text field: not blank, at most `max` characters, and no U+0000 (PostgreSQL text cannot hold it). */
export const isShortText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.trim() !== '' && value.length <= max && !value.includes('\u0000');

export function problem(
  status: number,
  type: string,
  detail: string,
  instance: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Reply {
  return {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify({ type, title: TITLES[status] ?? 'Error', status, detail, instance, ...extra }),
  };
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: `${JSON.stringify(value, null, 2)}\n`,
  };
}

/**
 * The request body, whole, up to `limit` bytes. Past the limit the rest is read and dropped rather than left
 * unread: a client still sending would otherwise see its connection reset instead of the 413 that says why.
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  if (size > limit)
    throw new BodyTooLargeError(
      `the request body is ${size} bytes, over the limit of ${limit} bytes (${Math.round(limit / 1024 / 1024)} MB)`,
    );
  return Buffer.concat(chunks);
}

export function send(reply: Reply, outgoing: ServerResponse): void {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  outgoing.writeHead(reply.status, {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    ...reply.headers,
    'content-length': String(body.length),
  });
  outgoing.end(body);
}
