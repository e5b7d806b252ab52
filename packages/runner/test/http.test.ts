import { gzipSync } from 'node:zlib';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarnessHttp, HarnessError, parseRetryAfter, REDACTED, Redactor } from '../src/index.ts';
import { json, serve } from './support.ts';

const SECRET_TOKEN = 'tok-0123456789abcdef';
/** A 1 MiB body that says where each of its bytes belongs: byte i is i * 7 mod 251. */
const PIECES = Buffer.from(Array.from({ length: 1024 * 1024 }, (_, i) => (i * 7) % 251));
let server: Awaited<ReturnType<typeof serve>>;
let other: Awaited<ReturnType<typeof serve>>;
let limited = 0;

beforeAll(async () => {
  other = await serve({
    '/landing': (req, res) => json(res, 200, { authorization: req.headers.authorization ?? null }),
  });
  server = await serve({
    '/ok': (_req, res) => json(res, 200, { ok: true }),
    '/echo': (req, res) =>
      json(res, 200, { saw: req.headers.authorization ?? null, email: 'a.person@example.org' }),
    '/big': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) });
      res.write('[');
    },
    '/endless': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write('x'.repeat(64 * 1024)), 1);
      res.on('close', () => clearInterval(timer));
    },
    '/silent': () => {
      // Never answers: the request timeout must end it.
    },
    '/limited': (_req, res) => {
      limited += 1;
      if (limited === 1) json(res, 429, { title: 'Too Many Requests' }, { 'retry-after': '1' });
      else json(res, 200, { after: limited });
    },
    '/limited-for-a-year': (_req, res) => json(res, 429, {}, { 'retry-after': String(365 * 24 * 3600) }),
    '/to-same': (_req, res) => {
      res.writeHead(302, { location: '/ok' });
      res.end();
    },
    '/to-other': (_req, res) => {
      res.writeHead(302, { location: `${other.origin}/landing` });
      res.end();
    },
    '/gzipped': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify({ ok: true, padding: 'z'.repeat(10_000) })));
    },
    '/gzip-corrupt': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end('{"this is": "not gzip"}');
    },
    '/pieces': (_req, res) => {
      // Sixty-four 16 KiB pieces, a few written at a time, so that the body arrives as many chunks.
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(PIECES.length),
      });
      let at = 0;
      const more = () => {
        for (let i = 0; i < 4 && at < PIECES.length; i++, at += 16 * 1024)
          res.write(PIECES.subarray(at, at + 16 * 1024));
        if (at < PIECES.length) setTimeout(more, 1);
        else res.end();
      };
      more();
    },
    '/gzipped-pieces': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip' });
      res.end(gzipSync(PIECES));
    },
    '/not-json': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"broken": ');
    },
  });
});
afterAll(async () => {
  await server.close();
  await other.close();
});

function client(
  overrides: { requestsPerSecond?: number; maxResponseBytes?: number; requestTimeoutMs?: number } = {},
) {
  const redactor = new Redactor(new Set(['email']));
  redactor.addSecret(SECRET_TOKEN);
  return createHarnessHttp({
    target: new URL(server.url),
    requestsPerSecond: overrides.requestsPerSecond ?? 1000,
    requestTimeoutMs: overrides.requestTimeoutMs ?? 5_000,
    maxResponseBytes: overrides.maxResponseBytes ?? 1024 * 1024,
    maxRetryAfterMs: 3_000,
    redactor,
    signal: new AbortController().signal,
    tokenFor: async () => SECRET_TOKEN,
  });
}

describe('the harness HTTP client', () => {
  it('records every exchange with the token and personal values redacted', async () => {
    const http = client();
    const response = await http.request({ url: '/echo', auth: 'primary', note: 'echo' });
    expect(response.status).toBe(200);
    expect((response.json() as { saw: string }).saw).toBe(`Bearer ${SECRET_TOKEN}`);
    const recorded = JSON.stringify(http.exchanges);
    expect(recorded).not.toContain(SECRET_TOKEN);
    expect(recorded).not.toContain('a.person@example.org');
    expect(http.exchanges[0]?.request.headers.authorization).toBe(REDACTED);
    expect(http.exchanges[0]?.note).toBe('echo');
  });

  it('refuses a body whose declared length is over the cap, without reading it', async () => {
    const error = await client({ maxResponseBytes: 1024 })
      .request({ url: '/big' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as HarnessError).code).toBe('BODY_TOO_LARGE');
  });

  it('stops reading a body that never ends at the cap', async () => {
    const error = await client({ maxResponseBytes: 256 * 1024 })
      .request({ url: '/endless' })
      .catch((e: unknown) => e);
    expect((error as HarnessError).code).toBe('BODY_TOO_LARGE');
  });

  it('ends a request the server never answers at the request timeout', async () => {
    const started = Date.now();
    const error = await client({ requestTimeoutMs: 300 })
      .request({ url: '/silent' })
      .catch((e: unknown) => e);
    expect((error as HarnessError).code).toBe('TIMEOUT');
    // It ended at its timeout instead of waiting on a server that never answers; not that it was quick.
    expect(Date.now() - started).toBeLessThan(BUDGET.settle);
  });

  it('waits out a 429 with Retry-After and tries again', async () => {
    const http = client();
    const response = await http.request({ url: '/limited' });
    expect(response.status).toBe(200);
    expect(server.hits.get('/limited')).toBe(2);
    expect(http.exchanges.map((e) => e.response?.status)).toEqual([429, 200]);
  });

  it('does not wait a Retry-After longer than its cap: the 429 is the answer', async () => {
    const started = Date.now();
    const response = await client().request({ url: '/limited-for-a-year' });
    expect(response.status).toBe(429);
    // It answered with the 429 instead of waiting out a year's Retry-After; not that it was quick.
    expect(Date.now() - started).toBeLessThan(BUDGET.settle);
  });

  it('follows a redirect on the same origin, but never carries credentials to another', async () => {
    const http = client();
    expect((await http.request({ url: '/to-same', auth: 'primary' })).status).toBe(200);
    const error = await http.request({ url: '/to-other', auth: 'primary' }).catch((e: unknown) => e);
    if (error instanceof HarnessError) expect(error.code).toBe('OTHER_ORIGIN');
    else expect((error as { status: number }).status).toBe(302);
    expect(other.hits.get('/landing') ?? 0).toBe(0);
  });

  it('names the exchange when a body is not the JSON it claims', async () => {
    const response = await client().request({ url: '/not-json' });
    expect(() => response.json()).toThrow(HarnessError);
    try {
      response.json();
    } catch (error) {
      expect((error as HarnessError).code).toBe('INVALID_JSON');
      expect((error as HarnessError).exchangeId).toBe(response.exchange.id);
    }
  });

  it('undoes a gzip Content-Encoding, and applies the cap to what it decodes', async () => {
    const response = await client().request({ url: '/gzipped' });
    expect((response.json() as { ok: boolean }).ok).toBe(true);
    expect(response.exchange.response?.bytes).toBe(response.body.length);
    const error = await client({ maxResponseBytes: 5_000 })
      .request({ url: '/gzipped' })
      .catch((e: unknown) => e);
    expect((error as HarnessError).code).toBe('BODY_TOO_LARGE');
    expect((error as Error).message).toMatch(/once its gzip encoding was undone/);
    const corrupt = await client()
      .request({ url: '/gzip-corrupt' })
      .catch((e: unknown) => e);
    expect((corrupt as Error).message).toMatch(
      /GET \/gzip-corrupt: the body is not valid gzip, as its Content-Encoding says it is \(Z_DATA_ERROR/,
    );
  });

  it('spaces requests at the configured rate', async () => {
    const http = client({ requestsPerSecond: 10 });
    const started = Date.now();
    for (let i = 0; i < 4; i++) await http.request({ url: '/ok' });
    // Four requests at 10/s need at least three gaps of 100 ms; no upper bound (a loaded machine is slow).
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(http.requestCount).toBe(4);
  });

  it('streams a download to a sink and counts its bytes', async () => {
    const chunks: Buffer[] = [];
    const result = await client().download({ url: '/ok' }, (chunk) => {
      chunks.push(chunk);
    });
    expect(result.status).toBe(200);
    expect(Buffer.concat(chunks).toString()).toBe('{"ok":true}');
    expect(result.bytes).toBe(11);
  });

  it.each([
    ['as it came', '/pieces'],
    ['once its gzip encoding is undone', '/gzipped-pieces'],
  ])(
    'hands a slow reader one chunk at a time, in order, and returns only once it has read the last (%s)',
    async (_how, url) => {
      const chunks: Buffer[] = [];
      let reading = 0;
      let mostAtOnce = 0;
      const result = await client({ maxResponseBytes: 4 * 1024 * 1024 }).download({ url }, async (chunk) => {
        reading += 1;
        mostAtOnce = Math.max(mostAtOnce, reading);
        await new Promise((resolve) => setTimeout(resolve, 1));
        chunks.push(chunk);
        reading -= 1;
      });
      expect(result.status).toBe(200);
      expect(result.bytes).toBe(PIECES.length);
      expect(chunks.length).toBeGreaterThan(1);
      expect(mostAtOnce).toBe(1);
      expect(Buffer.concat(chunks).equals(PIECES)).toBe(true);
    },
  );

  it.each([
    [
      'throws',
      (error: Error) => () => {
        throw error;
      },
    ],
    ['rejects', (error: Error) => () => Promise.reject(error)],
  ])('passes on, as it is, the error of a reader that %s, and reads no further', async (_how, reader) => {
    const own = new Error('the reader gave up');
    let calls = 0;
    const fail = reader(own);
    const http = client({ maxResponseBytes: 4 * 1024 * 1024 });
    const outcome = http.download({ url: '/pieces' }, () => {
      calls += 1;
      if (calls === 3) return fail();
    });
    await expect(outcome).rejects.toBe(own);
    const callsWhenFailed = calls;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toBe(callsWhenFailed);
    // The client is still good for the next request.
    expect((await http.request({ url: '/ok' })).status).toBe(200);
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, and refuses nonsense', () => {
    expect(parseRetryAfter('2')).toBe(2_000);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(parseRetryAfter(inTenSeconds)).toBeGreaterThan(5_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('the redactor', () => {
  const redactor = new Redactor(new Set(['email', 'date_of_birth']), ['client-secret-value']);

  it('blanks secret headers, secret query parameters and known secrets anywhere', () => {
    expect(
      redactor.headers({ Authorization: 'Bearer x', Cookie: 'a=b', Accept: 'application/json' }),
    ).toEqual({
      authorization: REDACTED,
      cookie: REDACTED,
      accept: 'application/json',
    });
    const url = redactor.url('https://api.example/x?access_token=abc&page=2');
    expect(url).toContain('page=2');
    expect(url).not.toContain('abc');
    expect(redactor.text('echo client-secret-value back')).toBe(`echo ${REDACTED} back`);
  });

  it('learns the values in secret headers, so that an echo of one elsewhere is scrubbed', () => {
    const r = new Redactor(new Set());
    r.learnHeaderSecrets({
      'set-cookie': ['sid=abcdef123456; Path=/; HttpOnly', 'theme=dark'],
      authorization: 'Basic dXNlcjpwYXNzd29yZA==',
      cookie: 'a=b; pref=preference-value',
      // A deliberately bad credential can be an ordinary word: too short to learn.
      'x-api-key': 'invalid',
      accept: 'application/json-not-a-secret',
    });
    expect(
      r.text('abcdef123456 dXNlcjpwYXNzd29yZA== preference-value dark invalid application/json-not-a-secret'),
    ).toBe(`${REDACTED} ${REDACTED} ${REDACTED} dark invalid application/json-not-a-secret`);
  });

  it('scrubs a secret echoed URL-encoded or escaped in a JSON string too', () => {
    const r = new Redactor(new Set(), ['a/b+c="d"']);
    expect(r.text(`${encodeURIComponent('a/b+c="d"')} ${JSON.stringify('a/b+c="d"')}`)).toBe(
      `${REDACTED} "${REDACTED}"`,
    );
  });

  it('redacts personal values in bodies that do not parse, in CSV columns and in links', () => {
    const r = new Redactor(new Set(['email', 'address']));
    const cut =
      '{"items":[{"email":"a@b.example","address":{"line":"1 High St"},"ward":"Abbey"},{"email":"c@d.exa';
    expect(r.bodyPreview(Buffer.from(cut), 'application/json')).toBe(
      `{"items":[{"email":"${REDACTED}","address":"${REDACTED}","ward":"Abbey"},{"email":"${REDACTED}"`,
    );
    expect(r.bodyPreview(Buffer.from('id,email,ward\r\n1,"x@y.example",Abbey\r\n'), 'text/csv')).toBe(
      `id,email,ward\r\n1,${REDACTED},Abbey`,
    );
    expect(r.text('next: /people?cursor=2&email=a%40b.example&x=1')).toBe(
      'next: /people?cursor=2&email=%5Bredacted%5D&x=1',
    );
  });

  it('scrubs a secret cut short, personal values in JSON carried as a string, and shifted CSV cells', () => {
    const r = new Redactor(new Set(['email']), ['tok-0123456789abcdefghij']);
    // A check quoting the first characters of an answer cuts the token it echoes.
    expect(r.text('refused: you sent Bearer tok-0123456789ab')).toBe(`refused: you sent Bearer ${REDACTED}`);
    expect(r.text('…6789abcdefghij, it said')).toBe(`…${REDACTED}, it said`);
    // An import request carries its NDJSON files as strings, whole or cut off by the preview.
    const body = JSON.stringify({
      content: '{"id":"1","email":"a@b.example"}\n{"id":"2","email":"c@d.example"}',
    });
    expect(r.bodyPreview(Buffer.from(body), 'application/json')).not.toMatch(/[ac]@[bd]\.example/);
    expect(r.bodyPreview(Buffer.from(body.slice(0, 45)), 'application/json')).toBe(
      `{"content":"{\\"id\\":\\"1\\",\\"email\\":\\"${REDACTED}\\"`,
    );
    // Broken quoting moves cells out of their columns: none can be trusted by position.
    expect(
      r.bodyPreview(
        Buffer.from('id,email,ward\r\n1,x@y.example,Abbey\r\n2,"a,b",c@d.example,Castle'),
        'text/csv',
      ),
    ).toBe(`id,email,ward\r\n${Array(3).fill(REDACTED).join(',')}\r\n${Array(4).fill(REDACTED).join(',')}`);
  });

  it('leaves short values alone: they are not secrets and would scrub ordinary text', () => {
    const r = new Redactor(new Set());
    r.addSecret('abc');
    expect(r.text('abc abc')).toBe('abc abc');
  });
});
