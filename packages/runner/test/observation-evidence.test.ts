import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarnessHttp, REDACTED, Redactor } from '../src/index.ts';
import { json, serve } from './support.ts';

const SECRET = 'observed-secret-0123456789';
let server: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  server = await serve({ '/ok': (_q, res) => json(res, 200, { ok: true }) });
});
afterAll(() => server.close());

describe('an observation that is not an HTTP exchange', () => {
  it('is recorded as an exchange a check can cite: numbered in turn, redacted, with no response', async () => {
    const http = createHarnessHttp({
      target: new URL(server.url),
      requestsPerSecond: 1000,
      requestTimeoutMs: 5_000,
      maxResponseBytes: 1024,
      maxRetryAfterMs: 1_000,
      redactor: new Redactor(new Set(['email']), [SECRET]),
      signal: new AbortController().signal,
      tokenFor: async () => undefined,
    });
    await http.request({ url: '/ok' });
    const agreed = http.observe({
      note: 'does the server agree to TLS 1.3',
      method: 'TLS handshake (TLSv1.3 only)',
      url: 'https://127.0.0.1:8443/?email=a@b.example',
      outcome: `agreed TLSv1.3; the server named itself ${SECRET}`,
    });
    const refused = http.observe({
      note: 'does the server refuse TLS 1.1',
      method: 'TLS handshake (TLSv1.1 only)',
      url: 'https://127.0.0.1:8443/',
      outcome: 'refused: ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
      failed: true,
      code: 'TLS',
    });
    expect(agreed.id).toBe('ex-0002');
    expect(refused.id).toBe('ex-0003');
    expect(http.exchanges.slice(1)).toEqual([agreed, refused]);
    expect(agreed).toMatchObject({
      note: 'does the server agree to TLS 1.3',
      durationMs: 0,
      request: { method: 'TLS handshake (TLSv1.3 only)', headers: {} },
      observation: `agreed TLSv1.3; the server named itself ${REDACTED}`,
    });
    expect(agreed.request.url).not.toContain('a@b.example');
    expect(agreed.response).toBeUndefined();
    expect(agreed.error).toBeUndefined();
    expect(refused.error).toEqual({ code: 'TLS', message: 'refused: ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
    // Only HTTP requests count as requests.
    expect(http.requestCount).toBe(1);
  });
});
