import type { Exchange, RunReport } from '@council-conform/runner';

/** A name and a value, as HAR 1.2 lists headers and query parameters. */
interface HarPair {
  readonly name: string;
  readonly value: string;
}

// The harness speaks HTTP/1.1 (undici); HAR needs a version on every message.
const HTTP_VERSION = 'HTTP/1.1';
const CUT_SHORT = /… \(\d+ more characters\)$/;

const pairs = (headers: Readonly<Record<string, string>>): HarPair[] =>
  Object.entries(headers).map(([name, value]) => ({ name, value }));

function queryString(url: string): HarPair[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

function request(exchange: Exchange) {
  const { method, url, headers, bodyPreview } = exchange.request;
  return {
    method,
    url,
    httpVersion: HTTP_VERSION,
    cookies: [],
    headers: pairs(headers),
    queryString: queryString(url),
    ...(bodyPreview !== undefined
      ? {
          postData: {
            mimeType: headers['content-type'] ?? '',
            text: bodyPreview,
            ...(CUT_SHORT.test(bodyPreview)
              ? { comment: 'cut short: the evidence keeps only its start' }
              : {}),
          },
        }
      : {}),
    // The sizes on the wire were not recorded: HAR's -1, unknown.
    headersSize: -1,
    bodySize: -1,
  };
}

function response(exchange: Exchange) {
  const answer = exchange.response;
  if (!answer)
    // No answer came: status 0, as browsers write a request that failed, with why.
    return {
      status: 0,
      statusText: '',
      httpVersion: HTTP_VERSION,
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      ...(exchange.error ? { comment: `${exchange.error.code}: ${exchange.error.message}` } : {}),
    };
  return {
    status: answer.status,
    statusText: '',
    httpVersion: HTTP_VERSION,
    cookies: [],
    headers: pairs(answer.headers),
    content: {
      size: answer.bytes,
      mimeType: answer.headers['content-type'] ?? 'x-unknown',
      text: answer.bodyPreview,
      ...(answer.bodyPreview.length < answer.bytes || CUT_SHORT.test(answer.bodyPreview)
        ? { comment: 'the start of the body, redacted, as the report keeps it' }
        : {}),
    },
    redirectURL: answer.headers.location ?? '',
    headersSize: -1,
    bodySize: answer.bytes,
  };
}

/**
 * The run's HTTP evidence as an HTTP Archive (HAR 1.2), for a browser's network panel or any HAR viewer. It is
 * built from the report's exchanges, so it is redacted exactly as they are: secrets and personal values are
 * gone, and bodies are the report's previews. Observations that were not HTTP (TLS handshakes) are left out.
 * Each entry keeps the exchange's id (`_conformExchangeId`) so the report's checks can be followed to it.
 */
export function formatHar(report: RunReport): string {
  const entries = report.exchanges
    .filter((exchange) => exchange.observation === undefined)
    .map((exchange) => ({
      startedDateTime: exchange.startedAt,
      time: exchange.durationMs,
      request: request(exchange),
      response: response(exchange),
      cache: {},
      // Only the whole was timed: it is all waiting, as HAR counts it.
      timings: { send: 0, wait: exchange.durationMs, receive: 0 },
      ...(exchange.note ? { comment: exchange.note } : {}),
      _conformExchangeId: exchange.id,
    }));
  const har = {
    log: {
      version: '1.2',
      creator: { name: report.runner.name, version: report.runner.version },
      entries,
      comment: `conform run of ${report.profile.id} ${report.profile.version} against ${report.target.url}, ${report.startedAt}; redacted as the report is`,
    },
  };
  return `${JSON.stringify(har, null, 2)}\n`;
}
