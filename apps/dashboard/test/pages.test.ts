import type { Server } from 'node:http';
import type { SignedReport } from '@council-conform/certificates';
import type { RunReport } from '@council-conform/runner';
import { BUDGET } from '@council-conform/test-budgets';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productIdOf, reportIdOf, supplierIdOf } from '../src/ids.ts';
import { csvCell } from '../src/open-data.ts';
import { openResultsStore, type ResultsStore, SORT_KEYS } from '../src/store.ts';
import {
  asProduct,
  bearer,
  CERTIFIER_TOKEN,
  certify,
  type Keys,
  makeKeys,
  ranAt,
  runAgainstMock,
  SPEC,
  selfAssess,
  testDashboard,
  withoutAttestation,
} from './support.ts';

const HOSTILE_SUPPLIER = '<script>alert(1)</script> & Sons';
const HOSTILE_PRODUCT = '=HYPERLINK("http://evil.example","click")';
const DAY = 24 * 60 * 60 * 1000;

const keys: Keys = makeKeys();
let run: RunReport;
let faulty: RunReport;
let store: ResultsStore;
let http: Server;
/** The dashboard's clock; tests move it to see certificates come due and expire. */
let clock = Date.now();
const at = (offsetDays: number) => {
  clock = Date.now() + offsetDays * DAY;
};

const ids = {
  example: productIdOf('Example Civic Software Ltd', 'Example Street Reports 4.2', SPEC),
  hostile: productIdOf(HOSTILE_SUPPLIER, HOSTILE_PRODUCT, SPEC),
  beta: productIdOf('Beta Systems', 'Beta Street', SPEC),
  delta: productIdOf('Delta & Co', 'Delta Desk', SPEC),
};
let earlier: SignedReport;

beforeAll(async () => {
  [run, faulty] = await Promise.all([runAgainstMock(), runAgainstMock(['dates-ddmmyyyy'])]);
  store = await openResultsStore();
  ({ http } = await testDashboard(store, keys, {
    now: () => new Date(clock),
    publicUrl: 'https://conform.example',
  }));
  const publish = async (signed: SignedReport) => {
    const answer = await request(http)
      .post('/api/reports')
      .set('authorization', bearer(CERTIFIER_TOKEN))
      .send(signed);
    expect(answer.status, answer.text).toBe(201);
  };
  earlier = certify(ranAt(run, '2026-01-01T09:00:00Z'), keys);
  await publish(earlier);
  await publish(certify(run, keys));
  await publish(
    certify(withoutAttestation(run), keys, {
      supplier: 'Beta Systems',
      product: 'Beta Street',
      expiresInDays: 100,
    }),
  );
  await request(http)
    .post('/api/suppliers/keys')
    .set('authorization', bearer(CERTIFIER_TOKEN))
    .send({ publicKeyPem: keys.supplier.publicKeyPem, supplier: HOSTILE_SUPPLIER })
    .expect(201);
  await publish(selfAssess(asProduct(run, HOSTILE_SUPPLIER, HOSTILE_PRODUCT), keys.supplier));
  await publish(certify(asProduct(faulty, 'Delta & Co', 'Delta Desk'), keys));
}, BUDGET.realRun);
afterAll(async () => {
  await store?.close();
});

const decode = (html: string) =>
  html
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');

/** Product names in the order the league table shows them. */
const listed = (html: string) =>
  [
    ...html.matchAll(
      /<th scope="row" class="govuk-table__header"><a class="govuk-link" href="\/products\/[^"]+">([^<]*)<\/a><\/th>/g,
    ),
  ].map((m) => decode(m[1] as string));

const get = (path: string) => request(http).get(path);

/** What every page must have: the GOV.UK template's title, language, skip link and landmarks. */
function expectGovukPage(html: string, title: RegExp) {
  expect(html).toMatch(/^<!DOCTYPE html>/);
  expect(html).toMatch(/<html lang="en" class="govuk-template/);
  expect(html).toMatch(title);
  expect(html).toMatch(/<a href="#main-content" class="govuk-skip-link"/);
  expect(html).toMatch(/<main class="govuk-main-wrapper" id="main-content"/);
  expect(html).toMatch(/<header class="govuk-template__header/);
  expect(html).toMatch(/<footer class="govuk-footer/);
  expect(html).toContain('href="/assets/govuk-frontend.min.css"');
}

describe('the league table', () => {
  it('ranks products by level, then clauses passed, with their certificate and last run', async () => {
    at(0);
    const page = await get('/');
    expect(page.status).toBe(200);
    expectGovukPage(page.text, /<title>League table – Council Conform<\/title>/);
    expect(listed(page.text)).toEqual([
      'Example Street Reports 4.2',
      HOSTILE_PRODUCT,
      'Beta Street',
      'Delta Desk',
    ]);
    const rows = page.text.split('<tr class="govuk-table__row">').slice(2);
    expect(rows[0]).toMatch(/>1<\/td>[\s\S]*Gold[\s\S]*14<span class="app-of"> of 14[\s\S]*Certified/);
    expect(rows[1]).toMatch(/>1<\/td>[\s\S]*Gold[\s\S]*Self-assessed/);
    expect(rows[2]).toMatch(/>3<\/td>[\s\S]*Silver[\s\S]*Certified/);
    // A failing run proves no level, so the certifier's signature on it certifies nothing.
    expect(rows[3]).toMatch(/>4<\/td>[\s\S]*No level[\s\S]*Self-assessed/);
    // The product is listed by its latest run, not the earlier one.
    expect(rows[0]).toContain(
      new Date(run.finishedAt).toLocaleDateString('en-GB', {
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      }),
    );
  });

  it('filters by system type, supplier, level and certificate, and says when nothing matches', async () => {
    at(0);
    expect(listed((await get(`/?system=${SPEC}`)).text)).toHaveLength(4);
    expect(listed((await get(`/?supplier=${supplierIdOf('Beta Systems')}`)).text)).toEqual(['Beta Street']);
    expect(listed((await get('/?level=gold')).text)).toEqual(['Example Street Reports 4.2', HOSTILE_PRODUCT]);
    expect(listed((await get('/?status=self-assessed')).text)).toEqual([HOSTILE_PRODUCT, 'Delta Desk']);
    const none = await get('/?level=bronze');
    expect(listed(none.text)).toEqual([]);
    expect(none.text).toContain('No products match your filters');
    // The form shows the filter chosen.
    expect((await get('/?level=silver')).text).toMatch(/<option value="silver" selected>Silver<\/option>/);
  });

  it('sorts by every column both ways, marking the sorted column for screen readers', async () => {
    at(0);
    for (const sort of SORT_KEYS)
      for (const order of ['asc', 'desc']) {
        const page = await get(`/?sort=${sort}&order=${order}`);
        expect(page.status).toBe(200);
        const data = await get(`/data/league-table.json?sort=${sort}&order=${order}`);
        expect(listed(page.text), `${sort} ${order}`).toEqual(
          data.body.products.map((p: { product: string }) => p.product),
        );
        expect(page.text).toContain(`aria-sort="${order === 'asc' ? 'ascending' : 'descending'}"`);
      }
    expect(listed((await get('/?sort=product&order=asc')).text)).toEqual([
      HOSTILE_PRODUCT,
      'Beta Street',
      'Delta Desk',
      'Example Street Reports 4.2',
    ]);
    expect(listed((await get('/?sort=level&order=asc')).text)[0]).toBe('Delta Desk');
  });

  it('refuses a hostile or unknown sort and filter with a GOV.UK error summary, never passing it on', async () => {
    at(0);
    for (const query of [
      'sort=level%3B%20DROP%20TABLE%20dashboard_reports%3B--',
      'sort=__proto__',
      'order=desc%2C%20(SELECT%201)',
      'level=platinum',
      "system=street-reports'%20OR%201%3D1--",
      'supplier=nobody',
    ]) {
      const page = await get(`/?${query}`);
      expect(page.status, query).toBe(400);
      expect(page.text).toContain('govuk-error-summary');
      // Refused values are dropped: the table is the unfiltered ranking.
      expect(listed(page.text), query).toEqual([
        'Example Street Reports 4.2',
        HOSTILE_PRODUCT,
        'Beta Street',
        'Delta Desk',
      ]);
      expect(page.text).not.toContain('DROP TABLE');
      expect((await get(`/data/league-table.csv?${query}`)).status).toBe(400);
    }
    expect((await get('/?sort=level&sort=product')).status).toBe(400);
    // The error summary links each message to what it is about.
    expect((await get('/?sort=bogus')).text).toContain('href="#league-table"');
    expect((await get('/?level=platinum')).text).toContain('href="#level"');
    expect(listed((await get('/')).text)).toHaveLength(4);
  });
});

describe('a product page', () => {
  it('shows the clause matrix, how each clause was judged, and every check with its evidence', async () => {
    at(0);
    const page = await get(`/products/${ids.delta}`);
    expect(page.status).toBe(200);
    expectGovukPage(page.text, /<title>Delta Desk – Council Conform<\/title>/);
    const matrix = page.text.slice(page.text.indexOf('app-clause-matrix'), page.text.indexOf('id="checks"'));
    for (const clause of faulty.clauses) {
      const row = new RegExp(`data-clause="${clause.id}">[\\s\\S]*?</tr>`).exec(matrix)?.[0] ?? '';
      expect(row, clause.id).toContain(clause.title);
      const judged = { automated: 'Test', attested: 'Attestation', both: 'Test and attestation' }[
        clause.assessment
      ];
      expect(row, clause.id).toContain(`<td class="govuk-table__cell">${judged}</td>`);
    }
    expect(matrix).toMatch(/data-clause="open-standards">[\s\S]*?Failed/);
    expect(matrix).toMatch(/data-clause="inclusion">[\s\S]*?Attested/);
    for (const check of faulty.checks) expect(page.text).toContain(`id="check-${check.id}"`);
    const failed = faulty.checks.find((c) => c.status === 'fail' && c.violations?.length);
    if (!failed?.violations?.[0]?.examples[0]) throw new Error('the faulty run has no violations to show');
    const section = page.text.slice(page.text.indexOf(`id="check-${failed.id}"`));
    expect(decode(section)).toContain(failed.message);
    expect(decode(section)).toContain(failed.violations[0].kind);
    expect(decode(section)).toContain(failed.violations[0].examples[0].message);
    expect(section).toMatch(/Evidence: \d+ violations/);
  });

  it('shows spec version, certificate status and expiry, history, and how to verify it yourself', async () => {
    at(0);
    const page = await get(`/products/${ids.example}`);
    expect(page.text).toContain(`street-reports ${run.profile.version}`);
    expect(page.text).toMatch(/Certificate[\s\S]*?Certified/);
    const history = page.text.slice(page.text.indexOf('id="history"'), page.text.indexOf('id="verify"'));
    expect(history.match(/<tr class="govuk-table__row">/g)).toHaveLength(3);
    expect(history).toContain('1 January 2026');
    expect(history).toContain(`/products/${ids.example}?report=${reportIdOf(earlier)}`);
    const verify = page.text.slice(page.text.indexOf('id="verify"'));
    expect(verify).toContain(keys.certifier.keyId);
    expect(verify).toContain(keys.certifier.publicKeyPem.trim());
    expect(verify).toMatch(
      /pnpm conform verify council-conform-[0-9a-f]{12}\.signed\.json --certifier-key loti-assurer\.pub/,
    );
    const download = /href="(\/reports\/[0-9a-f]{64}\.json)"/.exec(verify)?.[1];
    expect((await get(download as string)).status).toBe(200);
    // The badge snippet is for other sites, so its links are absolute.
    expect(verify).toContain(`&lt;img src=&quot;https://conform.example/badges/${ids.example}.svg&quot;`);

    const older = await get(`/products/${ids.example}?report=${reportIdOf(earlier)}`);
    expect(older.text).toContain('You are looking at an earlier run');
    expect((await get(`/products/${ids.example}?report=${'0'.repeat(64)}`)).status).toBe(404);
  });

  it('lists an expired certificate last, and flags one due for re-certification, then expired', async () => {
    // Beta's certificate runs for 100 days, the others' for 365.
    at(150);
    const table = await get('/');
    expect(listed(table.text)).toEqual([
      'Example Street Reports 4.2',
      HOSTILE_PRODUCT,
      'Delta Desk',
      'Beta Street',
    ]);
    expect(table.text.split('<tr class="govuk-table__row">').at(-1)).toMatch(
      /govuk-tag--grey">\s*Expired\s*</,
    );
    expect(listed((await get('/?status=expired')).text)).toEqual(['Beta Street']);
    at(350);
    const due = await get(`/products/${ids.example}`);
    expect(due.text).toContain('This certificate is due for re-certification: it expires on');
    expect(due.text).toMatch(/govuk-tag--yellow">\s*Due for re-certification/);
    at(400);
    const expired = await get(`/products/${ids.example}`);
    expect(expired.text).toContain('This certificate expired on');
    expect(listed((await get('/?status=certified')).text)).toEqual([]);
    at(0);
  });

  it('answers an unknown product, supplier or clause with a GOV.UK 404 page', async () => {
    for (const path of [
      '/products/no-such-product',
      '/suppliers/nobody',
      '/clauses/no-such-clause',
      '/nowhere',
      '/products/<x>',
    ]) {
      const page = await get(path);
      expect(page.status, path).toBe(404);
      expectGovukPage(page.text, /<title>Page not found – Council Conform<\/title>/);
    }
  });
});

describe('supplier-supplied text', () => {
  it('is escaped on every page that shows it', async () => {
    at(0);
    const pages = [
      '/',
      `/products/${ids.hostile}`,
      `/suppliers/${supplierIdOf(HOSTILE_SUPPLIER)}`,
      '/clauses/open-api',
      `/?supplier=${supplierIdOf(HOSTILE_SUPPLIER)}`,
    ];
    for (const path of pages) {
      const page = await get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).not.toContain('<script>alert(1)</script>');
      expect(page.text, path).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons');
    }
    const product = await get(`/products/${ids.hostile}`);
    expect(product.text).toContain('=HYPERLINK(&quot;http://evil.example&quot;,&quot;click&quot;)');
  });

  it('is neutralised in the CSV against formula injection, with RFC 4180 quoting', async () => {
    at(0);
    const csv = await get('/data/league-table.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers.link).toMatch(/open-government-licence.*rel="license"/);
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe(
      'position,product,supplier,system_type,level,clauses_passed,clauses_total,status,spec_version,last_run,issued_at,expires_at,product_page,signed_report',
    );
    expect(lines.at(-1)).toBe('');
    expect(lines[2]).toContain(
      `1,"'=HYPERLINK(""http://evil.example"",""click"")",<script>alert(1)</script> & Sons,`,
    );
    for (const line of lines.slice(1, -1)) expect(line.split(',')[1]).not.toMatch(/^"?[=+\-@]/);
  });

  it('neutralises every spreadsheet formula start, and quotes only what RFC 4180 says to', () => {
    expect(['=1+1', '+44 20', '-2', '@SUM(A1)', '\tx', '\rx'].map(csvCell)).toEqual([
      "'=1+1",
      "'+44 20",
      "'-2",
      "'@SUM(A1)",
      "'\tx",
      `"'\rx"`,
    ]);
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(14)).toBe('14');
  });
});

describe('open data and badges', () => {
  it('publishes the league table as JSON with its licence and when it was generated', async () => {
    at(0);
    const data = await get('/data/league-table.json?level=gold');
    expect(data.status).toBe(200);
    expect(data.headers['access-control-allow-origin']).toBe('*');
    expect(data.body).toMatchObject({
      licence: {
        name: 'Open Government Licence v3.0',
        url: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
      },
      generatedAt: new Date(clock).toISOString(),
      clausesTotal: 14,
    });
    expect(data.body.products).toEqual([
      expect.objectContaining({
        product: 'Example Street Reports 4.2',
        status: 'certified',
        clauses_passed: 14,
      }),
      expect.objectContaining({
        product: HOSTILE_PRODUCT,
        supplier: HOSTILE_SUPPLIER,
        status: 'self-assessed',
      }),
    ]);
  });

  it('draws an accessible, well-formed SVG badge with level and certificate', async () => {
    at(0);
    for (const [id, text] of [
      [ids.example, 'gold · certified'],
      [ids.hostile, 'gold · self-assessed'],
      [ids.delta, 'no level · self-assessed'],
    ] as const) {
      const badge = await get(`/badges/${id}.svg`)
        .buffer(true)
        .parse((res, done) => {
          let body = '';
          res.on('data', (chunk: Buffer) => {
            body += chunk.toString('utf8');
          });
          res.on('end', () => done(null, body));
        });
      expect(badge.status).toBe(200);
      expect(badge.headers['content-type']).toMatch(/^image\/svg\+xml/);
      const svg = badge.body as string;
      expect(XMLValidator.validate(svg)).toBe(true);
      const parsed = new XMLParser({ ignoreAttributes: false }).parse(svg) as {
        svg: { '@_role': string; '@_aria-labelledby': string; title: { '#text': string; '@_id': string } };
      };
      expect(parsed.svg['@_role']).toBe('img');
      expect(parsed.svg['@_aria-labelledby']).toBe(parsed.svg.title['@_id']);
      expect(parsed.svg.title['#text']).toMatch(/^Council Conform: /);
      expect(svg).toContain(text);
    }
    const hostile = (await get(`/badges/${ids.hostile}.svg`)).text || '';
    expect(hostile).not.toContain('<script>');
    const unknown = await get('/badges/no-such-product.svg');
    expect(unknown.status).toBe(404);
  });
});

describe('the site as a whole', () => {
  it('serves GOV.UK Frontend’s compiled assets from its own package, and nothing else from disk', async () => {
    const css = await get('/assets/govuk-frontend.min.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect((await get('/assets/govuk-frontend.min.js')).status).toBe(200);
    expect((await get('/assets/images/favicon.svg')).status).toBe(200);
    expect((await get('/assets/fonts/bold-b542beb274-v2.woff2')).status).toBe(200);
    expect((await get('/assets/../package.json')).status).toBe(404);
    expect((await get('/assets/%2e%2e/%2e%2e/package.json')).status).toBe(404);
  });

  it('allows only its own scripts: the nonce in the policy is the one on the page', async () => {
    const page = await get('/clauses');
    const nonce = /'nonce-([^']+)'/.exec(page.headers['content-security-policy'] as string)?.[1];
    expect(nonce).toBeTruthy();
    expect(page.text).toContain(`<script type="module" nonce="${nonce}">`);
    expect((await get('/clauses')).headers['content-security-policy']).not.toContain(nonce as string);
  });

  it('has a page per clause saying what it asks and which checks test it', async () => {
    const index = await get('/clauses');
    expectGovukPage(index.text, /<title>The 14 clauses – Council Conform<\/title>/);
    expect(index.text.match(/href="\/clauses\/[a-z-]+"/g)).toHaveLength(14);
    const clause = await get('/clauses/personal-data');
    expect(clause.text).toContain('Personal data is protected');
    expect(clause.text).toContain('personal-data-requires-token');
    expect(clause.text).toContain('By the supplier’s signed attestation');
    const attestedOnly = await get('/clauses/inclusion');
    expect(attestedOnly.text).toContain('No test can judge this clause from the API alone');
  });

  it('tells councils how to make certification a contract condition and how to check a certificate', async () => {
    const page = await get('/councils');
    expectGovukPage(page.text, /<title>For councils – Council Conform<\/title>/);
    expect(page.text).toContain('certified at level [Silver] or above on profile [street-reports]');
    expect(page.text).toContain('pnpm conform verify report.signed.json --certifier-key loti-assurer.pub');
    expect(page.text).toContain(keys.certifier.keyId);
  });

  it('answers a failure with a GOV.UK 500 page, or a problem for the API, and keeps serving', async () => {
    const broken: ResultsStore = {
      ...store,
      leagueTable: () => Promise.reject(new Error('connection reset')),
      signedReportText: () => Promise.reject(new Error('connection reset')),
    };
    const { http: failing } = await testDashboard(broken, keys);
    const page = await request(failing).get('/');
    expect(page.status).toBe(500);
    expectGovukPage(
      page.text,
      /<title>Sorry, there is a problem with the service – Council Conform<\/title>/,
    );
    expect(page.text).not.toContain('connection reset');
    const report = await request(failing).get(`/reports/${'a'.repeat(64)}.json`);
    expect(report.status).toBe(500);
    expect(report.type).toBe('application/problem+json');
    expect((await request(failing).get('/clauses')).status).toBe(200);
  });
});
