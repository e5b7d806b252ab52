import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { createPrivateCa } from '@council-conform/private-ca';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarnessHttp, type HarnessError, type HarnessHttp, Redactor } from '../src/index.ts';
import { json, serve } from './support.ts';

const TOKEN = 'export-token-0123456789abcdef';
const SIGNATURE = 'f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f';
const FILE = '{"id":"1"}\n{"id":"2"}\n';
/** Headers a check might send that carry credentials: none may reach another origin. */
const CREDENTIAL_HEADERS = {
  cookie: 'session=cookie-value-0123456789',
  'x-api-key': 'api-key-value-0123456789',
};

let supplier: Awaited<ReturnType<typeof serve>>;
let store: Awaited<ReturnType<typeof serve>>;
const storeSaw: Record<string, string | null>[] = [];

const redirect = (location: () => string) => (_q: unknown, res: import('node:http').ServerResponse) => {
  res.writeHead(302, { location: location() });
  res.end();
};

beforeAll(async () => {
  // The object store: another loopback origin that needs no credentials, only the URL's signature.
  store = await serve({
    '/bucket/items.ndjson': (request, res) => {
      storeSaw.push({
        authorization: request.headers.authorization ?? null,
        cookie: request.headers.cookie ?? null,
        'x-api-key': (request.headers['x-api-key'] as string | undefined) ?? null,
      });
      const signed = new URL(request.url ?? '/', 'http://x').searchParams.get('X-Amz-Signature');
      if (signed !== SIGNATURE) return json(res, 403, { error: 'SignatureDoesNotMatch' });
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end(FILE);
    },
    '/bucket/huge': (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end('x'.repeat(64 * 1024));
    },
  });
  const presigned = () =>
    `${store.origin}/bucket/items.ndjson?X-Amz-Credential=AKIAEXAMPLE0001&X-Amz-Expires=300&X-Amz-Signature=${SIGNATURE}`;
  supplier = await serve({
    '/exports/1/files/items.ndjson': redirect(presigned),
    '/exports/1/files/same': redirect(() => '/exports/1/files/real'),
    '/exports/1/files/real': (request, res) => {
      if (request.headers.authorization !== `Bearer ${TOKEN}`) return json(res, 401, {});
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end(FILE);
    },
    '/exports/1/files/metadata': redirect(
      () => 'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    ),
    '/exports/1/files/metadata-mapped': redirect(() => 'http://[::ffff:169.254.169.254]/latest/meta-data/'),
    '/exports/1/files/link-local-v6': redirect(() => 'http://[fe80::1]/x'),
    '/exports/1/files/google': redirect(() => 'http://metadata.google.internal/computeMetadata/v1/'),
    '/exports/1/files/alibaba': redirect(() => 'http://100.100.100.200/latest/meta-data/'),
    '/exports/1/files/loop': (request, res) => {
      const hop = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('hop') ?? 0);
      res.writeHead(302, { location: `/exports/1/files/loop?hop=${hop + 1}` });
      res.end();
    },
    '/exports/1/files/huge': redirect(() => `${store.origin}/bucket/huge`),
    '/exports/1/files/bad-location': redirect(() => 'http://exa mple/file'),
  });
});
afterAll(async () => {
  await supplier.close();
  await store.close();
});

function client(target: string, dispatcher?: Agent, maxResponseBytes = 1024 * 1024): HarnessHttp {
  return createHarnessHttp({
    target: new URL(target),
    requestsPerSecond: 1000,
    requestTimeoutMs: 5_000,
    maxResponseBytes,
    maxRetryAfterMs: 1_000,
    redactor: new Redactor(new Set()),
    signal: new AbortController().signal,
    tokenFor: async () => TOKEN,
    ...(dispatcher ? { dispatcher } : {}),
  });
}

async function fetchFile(http: HarnessHttp, url: string) {
  const chunks: Buffer[] = [];
  const result = await http.download(
    {
      url,
      auth: 'primary',
      headers: CREDENTIAL_HEADERS,
      note: 'export file',
      redirects: 'follow-without-credentials',
    },
    (chunk) => void chunks.push(chunk),
  );
  return { result, text: Buffer.concat(chunks).toString('utf8') };
}

async function refusal(http: HarnessHttp, url: string): Promise<HarnessError> {
  const error = await fetchFile(http, url).then(
    () => {
      throw new Error(`${url} was followed`);
    },
    (e: unknown) => e as HarnessError,
  );
  expect(error.code).toBe('OTHER_ORIGIN');
  return error;
}

describe('an export file that redirects', () => {
  it('is answered as it came (the 302) unless the download asks to follow', async () => {
    const http = client(supplier.url);
    const result = await http.download({ url: '/exports/1/files/items.ndjson', auth: 'primary' }, () => {
      throw new Error('no body is streamed for a 302');
    });
    expect(result.status).toBe(302);
    expect(result.redirects).toEqual([]);
    expect(store.hits.get('/bucket/items.ndjson') ?? 0).toBe(0);
  });

  it('follows a pre-signed redirect to another origin without any credential, each hop in the evidence', async () => {
    const http = client(supplier.url);
    storeSaw.length = 0;
    const { result, text } = await fetchFile(http, '/exports/1/files/items.ndjson');
    expect(result.status).toBe(200);
    expect(text).toBe(FILE);
    expect(result.bytes).toBe(FILE.length);
    expect(result.url.startsWith(`${store.origin}/bucket/items.ndjson?`)).toBe(true);
    expect(storeSaw).toEqual([{ authorization: null, cookie: null, 'x-api-key': null }]);
    expect(http.exchanges.map((e) => [new URL(e.request.url).origin, e.response?.status])).toEqual([
      [supplier.origin, 302],
      [store.origin, 200],
    ]);
    expect(result.redirects.map((e) => e.id)).toEqual([http.exchanges[0]?.id]);
    expect(http.exchanges.map((e) => e.note)).toEqual([
      'export file',
      'export file (following the 302 of ex-0001)',
    ]);
    expect(result.exchange.id).toBe(http.exchanges[1]?.id);
    // The token went to the supplier only; the signature is a credential to the file, kept out of the evidence.
    expect(http.exchanges[0]?.request.headers.authorization).toBeDefined();
    expect(http.exchanges[1]?.request.headers).toEqual({ accept: '*/*' });
    const evidence = JSON.stringify(http.exchanges);
    expect(evidence).not.toContain(SIGNATURE);
    expect(evidence).not.toContain('AKIAEXAMPLE0001');
    // An expiry is no credential: it stays readable.
    expect(evidence).toContain('X-Amz-Expires=300');
    expect(evidence).not.toContain(TOKEN);
  });

  it('follows a same-origin redirect with the token, as a request does', async () => {
    const http = client(supplier.url);
    const { result, text } = await fetchFile(http, '/exports/1/files/same');
    expect(result.status).toBe(200);
    expect(text).toBe(FILE);
    expect(result.redirects).toHaveLength(1);
  });

  it.each([
    ['metadata', /169\.254\.169\.254 is a link-local address \(where cloud metadata services answer\)/],
    ['metadata-mapped', /::ffff:a9fe:a9fe is a link-local address/],
    ['link-local-v6', /fe80::1 is a link-local address/],
    ['google', /metadata\.google\.internal is a cloud metadata service’s name/],
    ['alibaba', /100\.100\.100\.200 is a cloud metadata service’s address/],
  ])('refuses, by name, a redirect to %s', async (path, named) => {
    const http = client(supplier.url);
    const error = await refusal(http, `/exports/1/files/${path}`);
    expect(error.message).toMatch(named);
    expect(error.message).toMatch(
      new RegExp(`^GET /exports/1/files/${path} \\(ex-0001\\) answered 302 redirecting to http://`),
    );
    expect(error.message).toMatch(/; not followed$/);
    expect(error.exchangeId).toBe('ex-0001');
    // Only the 302 was sent: nothing went to the refused address.
    expect(http.exchanges).toHaveLength(1);
  });

  it('refuses a redirect to loopback from a target that is not on loopback', async () => {
    // The target is a host name the test's connections resolve to this machine; to the runner it is remote.
    const toLoopback: LookupFunction = (_host, options, callback) => {
      if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
      else callback(null, '127.0.0.1', 4);
    };
    const dispatcher = new Agent({ connect: { lookup: toLoopback } });
    const remote = await serve({
      '/exports/1/files/presigned': redirect(() => `${store.origin}/bucket/items.ndjson?X-Amz-Signature=x`),
      '/exports/1/files/localhost': redirect(
        () => `http://localhost:${new URL(store.origin).port}/bucket/huge`,
      ),
    });
    try {
      const port = new URL(remote.origin).port;
      const http = client(`http://supplier.example:${port}/`, dispatcher);
      const before = store.hits.get('/bucket/items.ndjson') ?? 0;
      expect((await refusal(http, '/exports/1/files/presigned')).message).toMatch(
        /redirecting to http:\/\/127\.0\.0\.1:\d+: 127\.0\.0\.1 is a loopback address \(the runner’s own machine\), and the target is not on loopback; not followed/,
      );
      expect((await refusal(http, '/exports/1/files/localhost')).message).toMatch(
        /localhost is the runner’s own machine \(loopback\), and the target is not on loopback/,
      );
      expect(store.hits.get('/bucket/items.ndjson') ?? 0).toBe(before);
      expect(store.hits.get('/bucket/huge') ?? 0).toBe(0);
    } finally {
      await remote.close();
      await dispatcher.close();
    }
  });

  it('from an https target, follows only to https: a pre-signed https URL works, plain http is refused', async () => {
    const ca = createPrivateCa({ name: 'Export redirect test CA' });
    const certificate = ca.issueServerCertificate({ hosts: ['127.0.0.1'] });
    const tls = { key: certificate.keyPem, cert: certificate.certificatePem };
    const secureStore = createHttpsServer(tls, (request, res) => {
      const signed = new URL(request.url ?? '/', 'https://x').searchParams.get('X-Amz-Signature');
      if (signed !== SIGNATURE || request.headers.authorization) return json(res, 403, {});
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end(FILE);
    });
    await new Promise<void>((resolve) => secureStore.listen(0, '127.0.0.1', resolve));
    const storeOrigin = `https://127.0.0.1:${(secureStore.address() as AddressInfo).port}`;
    const secureSupplier = createHttpsServer(tls, (request, res) => {
      const to =
        request.url === '/exports/1/files/secure'
          ? `${storeOrigin}/bucket/items.ndjson?X-Amz-Signature=${SIGNATURE}`
          : `${store.origin}/bucket/items.ndjson?X-Amz-Signature=${SIGNATURE}`;
      res.writeHead(302, { location: to });
      res.end();
    });
    await new Promise<void>((resolve) => secureSupplier.listen(0, '127.0.0.1', resolve));
    const dispatcher = new Agent({ connect: { ca: [...rootCertificates, ca.certificatePem] } });
    try {
      const http = client(`https://127.0.0.1:${(secureSupplier.address() as AddressInfo).port}/`, dispatcher);
      const { result, text } = await fetchFile(http, '/exports/1/files/secure');
      expect(result.status).toBe(200);
      expect(text).toBe(FILE);
      expect(result.url.startsWith(storeOrigin)).toBe(true);
      const before = store.hits.get('/bucket/items.ndjson') ?? 0;
      expect((await refusal(http, '/exports/1/files/plain')).message).toMatch(
        /redirecting to http:\/\/127\.0\.0\.1:\d+: it is plain http; an export file is fetched from another origin only over https; not followed/,
      );
      expect(store.hits.get('/bucket/items.ndjson') ?? 0).toBe(before);
    } finally {
      secureStore.closeAllConnections();
      secureSupplier.closeAllConnections();
      await Promise.all([
        new Promise((resolve) => secureStore.close(resolve)),
        new Promise((resolve) => secureSupplier.close(resolve)),
      ]);
      await dispatcher.close();
    }
  });

  it('follows at most 5 hops: the sixth redirect is the answer', async () => {
    const http = client(supplier.url);
    const { result } = await fetchFile(http, '/exports/1/files/loop');
    expect(result.status).toBe(302);
    expect(result.headers.location).toBe('/exports/1/files/loop?hop=6');
    expect(result.redirects).toHaveLength(5);
    expect(http.exchanges).toHaveLength(6);
  });

  it('keeps the size cap on the file it was redirected to', async () => {
    const http = client(supplier.url, undefined, 16 * 1024);
    const error = await fetchFile(http, '/exports/1/files/huge').catch((e: unknown) => e as HarnessError);
    expect((error as HarnessError).code).toBe('BODY_TOO_LARGE');
    expect((error as HarnessError).exchangeId).toBe('ex-0002');
    expect((error as Error).message).toMatch(/GET \/bucket\/huge: the download passed the 16384-byte cap/);
  });

  it('names the exchange whose Location is no URL', async () => {
    const http = client(supplier.url);
    const error = await fetchFile(http, '/exports/1/files/bad-location').catch((e: unknown) => e);
    expect((error as HarnessError).code).toBe('INVALID_LINK');
    expect((error as HarnessError).exchangeId).toBe('ex-0001');
    expect((error as Error).message).toMatch(
      /^the Location of ex-0001 "http:\/\/exa mple\/file" given by http:\/\/127\.0\.0\.1:\d+\/exports\/1\/files\/bad-location is not a URI reference/,
    );
  });
});
