import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { SYNTHETIC_REGISTERS, SYNTHETIC_SUPPLIERS } from '@council-conform/contracts/fixtures';
import type { RunReport } from '@council-conform/runner';
import { BUDGET } from '@council-conform/test-budgets';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productIdOf, supplierIdOf } from '../src/ids.ts';
import { openResultsStore, type ResultsStore } from '../src/store.ts';
import {
  ADMIN_TOKEN,
  bearer,
  CERTIFIER_TOKEN,
  certify,
  type Keys,
  makeKeys,
  ranAt,
  runAgainstMock,
  SPEC,
  testDashboard,
  UPLOAD_TOKEN,
  withoutAttestation,
} from './support.ts';

/**
 * The procurement view end to end over HTTP: the synthetic registers of Camden, Hackney and Islington imported
 * through the API, matched to the products of two suppliers by Companies House number and by a person's
 * review, and read back from the timeline, product, supplier and council pages and the open data.
 */
const NOW = new Date('2026-11-01T09:00:00Z');
const [EXAMPLE, LEAKY] = SYNTHETIC_SUPPLIERS;
const [CAMDEN, HACKNEY, ISLINGTON] = SYNTHETIC_REGISTERS.map((register) => register.council);
const ids = {
  example: productIdOf(EXAMPLE.name, 'Example Street Reports 4.2', SPEC),
  leaky: productIdOf(LEAKY.name, 'OpenDoor Street Reports 1.0', SPEC),
};

const keys: Keys = makeKeys();
let run: RunReport;
let store: ResultsStore;
let http: Server;

const get = (path: string) => request(http).get(path);
const importRegister = (
  body: string | Buffer,
  council: string,
  source = 'register.csv',
  // An administrator may import any council's register (a council only its own: test/attacks.test.ts).
  token = ADMIN_TOKEN,
) =>
  request(http)
    .post(`/api/contracts?council=${encodeURIComponent(council)}&source=${encodeURIComponent(source)}`)
    .set('authorization', bearer(token))
    .set('content-type', 'text/csv')
    .send(body);
const link = (body: Record<string, unknown>, token = CERTIFIER_TOKEN) =>
  request(http).post('/api/contracts/links').set('authorization', bearer(token)).send(body);
const importFixture = async (index: number) => {
  const register = SYNTHETIC_REGISTERS[index];
  if (!register) throw new Error(`no synthetic register ${index}`);
  return importRegister(await readFile(register.path), register.council.code, register.path.split('/').pop());
};

/** The text a page shows, tags and entities gone, spaces collapsed: what a person reads. */
const readable = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replaceAll('&amp;', '&')
    .replaceAll('&#39;', "'")
    .replaceAll('&quot;', '"')
    .replace(/\s+/g, ' ');
const section = (html: string, id: string) => {
  const start = html.indexOf(`id="${id}"`);
  const end = html.indexOf('<h2 class="govuk-heading-l"', start + 1);
  return html.slice(start, end === -1 ? undefined : end);
};

beforeAll(async () => {
  // The dashboard's clock stands at NOW, and it refuses a report from its future: run and sign before it.
  run = ranAt(await runAgainstMock(), '2026-10-31T09:00:00Z');
  store = await openResultsStore();
  ({ http } = await testDashboard(store, keys, { now: () => NOW }));
  for (const signed of [
    certify(run, keys, { now: NOW }),
    certify(withoutAttestation(run), keys, {
      supplier: LEAKY.name,
      product: 'OpenDoor Street Reports 1.0',
      now: NOW,
    }),
  ]) {
    const answer = await request(http)
      .post('/api/reports')
      .set('authorization', bearer(CERTIFIER_TOKEN))
      .send(signed);
    expect(answer.status, answer.text).toBe(201);
  }
}, BUDGET.realRun);
afterAll(async () => {
  await store?.close();
});

describe('registering a supplier’s Companies House number', () => {
  it('ties the number to a supplier that has published, once, and says who holds a number already', async () => {
    // An administrator registers numbers at once; a supplier's own request is a claim (test/attacks.test.ts).
    const register = (supplier: string, companyNumber: string, token = ADMIN_TOKEN) =>
      request(http)
        .post('/api/suppliers/company-numbers')
        .set('authorization', bearer(token))
        .send({ supplier, companyNumber });
    const first = await register(EXAMPLE.name, '99 000 101');
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ supplier: EXAMPLE.name, companyNumber: '99000101' });
    expect((await register(EXAMPLE.name, EXAMPLE.companyNumber)).status).toBe(200);
    expect((await register(LEAKY.name, LEAKY.companyNumber)).status).toBe(201);
    const taken = await register(LEAKY.name, EXAMPLE.companyNumber);
    expect(taken.status).toBe(409);
    expect(taken.body.detail).toBe(
      `Companies House number 99000101 is registered already, to "${EXAMPLE.name}"`,
    );
    const stranger = await register('Nobody Ltd', '99000999');
    expect(stranger.status).toBe(404);
    expect(stranger.body.detail).toContain('no supplier named "Nobody Ltd" has published a report here');
    const bad = await register(EXAMPLE.name, '12AB');
    expect(bad.status).toBe(422);
    expect(bad.body.detail).toContain('"12AB" is not a Companies House number');
    expect(
      (
        await request(http)
          .post('/api/suppliers/company-numbers')
          .set('authorization', bearer(ADMIN_TOKEN))
          .send({})
      ).status,
    ).toBe(400);
    expect(
      (await request(http).post('/api/suppliers/company-numbers').send({ supplier: 'x', companyNumber: '1' }))
        .status,
    ).toBe(401);
  });
});

describe('importing a contracts register', () => {
  it('stores the good rows of each synthetic register and reports every bad one by line', async () => {
    const camden = await importFixture(0);
    expect(camden.status, camden.text).toBe(200);
    expect(camden.body).toMatchObject({
      council: CAMDEN,
      source: 'camden.csv',
      rowsRead: 11,
      created: 8,
      updated: 0,
      unchanged: 0,
      refused: 3,
      links: { council: '/procurement/councils/E09000007' },
    });
    expect(camden.body.problems.map((p: { line: number }) => p.line)).toEqual([4, 8, 12]);
    expect(camden.body.problems[0]).toEqual({
      line: 4,
      column: 'End date',
      message: 'End date: "31/02/2027" is not a date in the calendar',
    });
    const hackney = await importFixture(1);
    expect(hackney.body).toMatchObject({ council: HACKNEY, created: 8, refused: 2 });
    const islington = await importFixture(2);
    expect(islington.body).toMatchObject({ council: ISLINGTON, created: 8, refused: 3 });
    expect((await store.contracts.contracts()).length).toBe(24);
  });

  it('is idempotent: the same register again changes nothing and loses nothing', async () => {
    const again = await importFixture(0);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 8, refused: 3 });
    expect((await store.contracts.contracts({ councilCode: CAMDEN?.code })).length).toBe(8);
  });

  it('updates a changed contract, keeps contracts a later register leaves out, and keeps a good row a bad one repeats', async () => {
    const header =
      'Contract reference number,Title,End date,Supplier name,Supplier registered company number';
    const later = [
      header,
      // Extended by a year.
      `CMD-ICT-0417,Street reporting and environmental enforcement system,31/03/2030,${EXAMPLE.name},${EXAMPLE.companyNumber}`,
      // The housing contract again, broken: the stored one must stay as it was.
      'CMD-HSG-0233,Housing repairs management system,not a date,Harbour Housing Systems Ltd,99000201',
    ].join('\r\n');
    const answer = await importRegister(later, CAMDEN?.code as string, 'camden-2027-q1.csv');
    expect(answer.body).toMatchObject({ created: 0, updated: 1, unchanged: 0, refused: 1 });
    const contracts = await store.contracts.contracts({ councilCode: CAMDEN?.code });
    expect(contracts).toHaveLength(8);
    const street = contracts.find((c) => c.reference === 'CMD-ICT-0417');
    expect(street).toMatchObject({ endDate: '2030-03-31', source: 'camden-2027-q1.csv', description: null });
    expect(contracts.find((c) => c.reference === 'CMD-HSG-0233')?.endDate).toBe('2028-09-30');
    // Back to the register as published, for the pages below.
    expect((await importFixture(0)).body).toMatchObject({ updated: 1, unchanged: 7 });
  });

  it('refuses a register it cannot read whole, storing nothing of it and touching nothing stored', async () => {
    const before = await store.contracts.contracts();
    const columns = await importRegister('Title,Supplier name\r\nA,B\r\n', CAMDEN?.code as string);
    expect(columns.status).toBe(422);
    expect(columns.body.code).toBe('REGISTER_COLUMNS_MISSING');
    expect(columns.body.detail).toContain('no "Contract reference number" column');
    const binary = await importRegister(
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]),
      CAMDEN?.code as string,
    );
    expect(binary.status).toBe(422);
    expect(binary.body.code).toBe('REGISTER_NOT_TEXT');
    expect(await store.contracts.contracts()).toEqual(before);
  });

  it('says what is wrong with the request: the council, the source, the type, the size, the token', async () => {
    const unknown = await importRegister('x', 'E08000001');
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail).toBe(
      'E08000001 is not the GSS code of a London local authority (E09000001 to E09000033)',
    );
    expect((await importRegister('x', '')).status).toBe(400);
    const noSource = await request(http)
      .post('/api/contracts?council=E09000007')
      .set('authorization', bearer(ADMIN_TOKEN))
      .set('content-type', 'text/csv')
      .send('x');
    expect(noSource.status).toBe(400);
    expect(noSource.body.detail).toContain("give the register's source");
    const json = await request(http)
      .post('/api/contracts?council=E09000007&source=x')
      .set('authorization', bearer(ADMIN_TOKEN))
      .send({ csv: 'x' });
    expect(json.status).toBe(415);
    const huge = await importRegister(Buffer.alloc(20 * 1024 * 1024 + 1, 'a'), CAMDEN?.code as string);
    expect(huge.status).toBe(413);
    const anonymous = await request(http).post('/api/contracts?council=E09000007&source=x').send('x');
    expect(anonymous.status).toBe(401);
    expect((await request(http).get('/api/contracts')).status).toBe(405);
  });
});

describe('matching contracts to products', () => {
  it('matches by Companies House number, and leaves a name-only match for a person to review', async () => {
    const byReference = new Map((await store.contracts.contracts()).map((c) => [c.reference, c]));
    expect(byReference.get('CMD-ICT-0417')).toMatchObject({
      productId: ids.example,
      systemType: SPEC,
      matchedBy: 'companies-house',
      needsReview: false,
    });
    // Hackney wrote the number with spaces; it was normalised on import.
    expect(byReference.get('HAC-C-7781')).toMatchObject({
      productId: ids.example,
      companyNumber: '99000101',
    });
    expect(byReference.get('ISL/2022/031')).toMatchObject({
      productId: ids.leaky,
      matchedBy: 'companies-house',
    });
    expect(byReference.get('ISL/2021/118')).toMatchObject({
      supplierName: 'EXAMPLE CIVIC SOFTWARE LIMITED',
      productId: null,
      matchedBy: null,
      needsReview: true,
    });
    expect(byReference.get('CMD-HSG-0233')).toMatchObject({ systemType: null, needsReview: true });
  });
});

describe('the contract-expiry timeline', () => {
  it('shows a joint procurement window for street reporting: Camden and Hackney, January to June 2029', async () => {
    const page = await get(`/procurement/timelines/${SPEC}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(
      '<title>Street reporting and highways case management: when contracts end – Council Conform</title>',
    );
    const windows = section(page.text, 'windows');
    expect(windows.match(/class="govuk-inset-text app-window"/g)).toHaveLength(1);
    expect(windows).toContain('data-window="2029-Q1/2029-Q2"');
    expect(readable(windows)).toContain('January to June 2029 2 councils: Camden , Hackney .');
    const timeline = section(page.text, 'timeline');
    expect(readable(timeline)).toMatch(
      /January to March 2029 .*Camden .*Street reporting and environmental enforcement system/,
    );
    expect(readable(timeline)).toMatch(/April to June 2029 .*Hackney .*Fix-my-street reporting platform/);
    expect(readable(timeline)).toMatch(/October to December 2030 .*Islington .*Street reporting pilot/);
    const certified = section(page.text, 'certified');
    expect(certified).toContain(`/products/${ids.example}`);
    expect(readable(section(page.text, 'clause'))).toContain(
      `certified at level [Silver] or above on profile ${SPEC}`,
    );
  });

  it('answers a system type with no reference spec with the GOV.UK 404 page', async () => {
    expect((await get('/procurement/timelines/no-such-system')).status).toBe(404);
    const empty = await get('/procurement/timelines/waste-collections');
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('No imported contract is for this kind of system yet.');
  });
});

describe('product, supplier and council pages', () => {
  it('shows on a product’s page the councils holding contracts for it, with end dates, beside its clauses', async () => {
    const page = await get(`/products/${ids.example}`);
    expect(page.status).toBe(200);
    const councils = section(page.text, 'councils');
    expect([...councils.matchAll(/data-council="(E\d+)"/g)].map((m) => m[1])).toEqual([
      CAMDEN?.code,
      HACKNEY?.code,
    ]);
    expect(readable(councils)).toMatch(
      /Camden Street reporting .* CMD-ICT-0417 31 March 2029 Companies House number/,
    );
    expect(readable(councils)).toMatch(/Hackney Fix-my-street reporting platform HAC-C-7781 30 June 2029/);
    expect(page.text.indexOf('id="councils"')).toBeGreaterThan(page.text.indexOf('app-clause-matrix'));
  });

  it('shows on a supplier’s page its council contracts and the numbers they are matched by', async () => {
    const page = await get(`/suppliers/${supplierIdOf(LEAKY.name)}`);
    const councils = readable(section(page.text, 'councils'));
    expect(councils).toMatch(/Islington Street reporting pilot ISL\/2022\/031 OpenDoor Street Reports 1\.0/);
    expect(councils).toContain(`Companies House number ${LEAKY.companyNumber}`);
  });

  it('shows a council’s contracts, how each product it buys scores, the clause for renewal and its imports', async () => {
    const page = await get(`/procurement/councils/${CAMDEN?.code}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Camden: contracts and conformance – Council Conform</title>');
    const contracts = section(page.text, 'contracts');
    expect(contracts.match(/data-reference="/g)).toHaveLength(8);
    expect(readable(contracts)).toContain('£1,250,000');
    const conformance = section(page.text, 'conformance');
    expect(conformance).toContain(`data-product="${ids.example}"`);
    expect(readable(conformance)).toMatch(/Example Street Reports 4\.2 .*Gold .*Certified .*14 None/);
    const renewal = readable(section(page.text, 'renewal'));
    expect(renewal).toContain(
      'The next contract to end is Street reporting and environmental enforcement system (CMD-ICT-0417), on 31 March 2029.',
    );
    expect(renewal).toContain(`certified at level [Silver] or above on profile ${SPEC}`);
    const imports = readable(section(page.text, 'imports'));
    expect(imports).toContain('Line 4: End date: "31/02/2027" is not a date in the calendar');
    expect(imports).toContain('Line 12: the quoted field 6 opened on line 12 is never closed');
    for (const path of ['/procurement/councils/E09000001', '/procurement/councils/nonsense'])
      expect((await get(path)).status, path).toBe(404);
  });

  it('lists system types, councils and what is left to review on the procurement overview, linked from every page', async () => {
    const page = await get('/procurement');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(
      /<a class="govuk-service-navigation__link" href="\/procurement" aria-current="true">/,
    );
    const row = new RegExp(`data-system-type="${SPEC}">[\\s\\S]*?</tr>`).exec(page.text)?.[0] ?? '';
    expect(readable(row)).toMatch(
      /Street reporting and highways case management 3 .*January to June 2029: Camden, Hackney 2/,
    );
    expect(readable(page.text)).toMatch(/Camden 8 .*Hackney 8 .*Islington 8/);
    expect((await get('/')).text).toContain('href="/procurement"');
  });
});

describe('reviewing contracts no number matched', () => {
  const form = (fields: Record<string, string>) =>
    request(http).post('/procurement/review').type('form').send(fields);

  it('lists each contract to review, suggesting the supplier whose name reads the same', async () => {
    const page = await get(`/procurement/review?council=${ISLINGTON?.code}`);
    expect(page.status).toBe(200);
    const row = /data-reference="ISL\/2021\/118">[\s\S]*?<\/tr>/.exec(page.text)?.[0] ?? '';
    expect(readable(row)).toContain(`Suggested: ${EXAMPLE.name}`);
    expect(row).toMatch(
      new RegExp(
        `<option value="product:${ids.example}">Example Street Reports 4\\.2 \\([^)]*\\): suggested, the supplier’s name matches</option>`,
      ),
    );
    expect(row).toContain('<option value="system:housing-repairs">');
    expect(row).toContain('<option value="not-covered">');
    expect(page.text).toContain('type="password"');
    expect((await get('/procurement/review?council=E09000999')).status).toBe(400);
    expect((await get('/procurement/review?page=0')).status).toBe(400);
  });

  it('needs a certifier’s token in the form, keeping the choices made', async () => {
    const fields = {
      'council-0': ISLINGTON?.code as string,
      'reference-0': 'ISL/2021/118',
      'decision-0': `product:${ids.example}`,
    };
    const anonymous = await form(fields);
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).toContain('govuk-error-summary');
    expect(anonymous.text).toContain('Enter the certifier token LOTI gave you');
    expect(anonymous.text).toContain(`<option value="product:${ids.example}" selected>`);
    const uploader = await form({ ...fields, token: UPLOAD_TOKEN });
    expect(uploader.status).toBe(403);
    const nothing = await form({ token: CERTIFIER_TOKEN });
    expect(nothing.status).toBe(400);
    const forged = await form({ ...fields, 'decision-0': 'product:<script>', token: CERTIFIER_TOKEN });
    expect(forged.status).toBe(422);
    expect(forged.text).not.toContain('<script>');
    expect(
      (await store.contracts.contracts({ needsReview: true, councilCode: ISLINGTON?.code })).map(
        (c) => c.reference,
      ),
    ).toContain('ISL/2021/118');
  });

  it('links a contract to a product, remembers the supplier’s name, and widens the window it belongs in', async () => {
    const saved = await form({
      'council-0': ISLINGTON?.code as string,
      'reference-0': 'ISL/2021/118',
      'decision-0': `product:${ids.example}`,
      token: CERTIFIER_TOKEN,
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/procurement/review?saved=1');
    expect((await get('/procurement/review?saved=1')).text).toContain('1 decision saved.');
    const timeline = await get(`/procurement/timelines/${SPEC}`);
    expect(readable(section(timeline.text, 'windows'))).toContain(
      'January to September 2029 3 councils: Camden , Hackney , Islington .',
    );
    // Another council names the supplier the same way, without a number: matched by the reviewed name.
    const westminster = await importRegister(
      'Contract reference number,Title,End date,Supplier name\r\nWCC-1,Report it app,30/09/2027,Example Civic Software Limited\r\n',
      'E09000033',
      'https://example.org/westminster/contracts.csv',
    );
    expect(westminster.body.created).toBe(1);
    const [matched] = await store.contracts.contracts({ councilCode: 'E09000033' });
    expect(matched).toMatchObject({ productId: ids.example, matchedBy: 'reviewed-name' });
    // And the link stays through a new import of the register.
    await importFixture(2);
    const [kept] = (await store.contracts.contracts({ councilCode: ISLINGTON?.code })).filter(
      (c) => c.reference === 'ISL/2021/118',
    );
    expect(kept).toMatchObject({ productId: ids.example, matchedBy: 'reviewed' });
  });

  it('takes decisions through the API too: a system type for an unlisted supplier, or not covered at all', async () => {
    for (const [council, reference] of [
      [CAMDEN?.code, 'CMD-HSG-0233'],
      [HACKNEY?.code, 'HAC-C-5520'],
    ] as const) {
      const answer = await link({
        council,
        reference,
        decision: 'system-type',
        systemType: 'housing-repairs',
      });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body).toMatchObject({
        systemType: 'housing-repairs',
        decision: 'system-type',
        needsReview: false,
      });
    }
    const housing = await get('/procurement/timelines/housing-repairs');
    expect(readable(section(housing.text, 'windows'))).toContain(
      'July to December 2028 2 councils: Camden , Hackney .',
    );
    expect(readable(section(housing.text, 'certified'))).toContain(
      'No product is certified on this profile yet.',
    );
    const cleaning = await link({
      council: CAMDEN?.code,
      reference: 'CMD-PLN-0108',
      decision: 'not-covered',
    });
    expect(cleaning.body).toMatchObject({ decision: 'not-covered', systemType: null, needsReview: false });

    expect(
      (
        await link(
          { council: CAMDEN?.code, reference: 'CMD-PLN-0108', decision: 'not-covered' },
          UPLOAD_TOKEN,
        )
      ).status,
    ).toBe(403);
    const noSuchType = await link({
      council: CAMDEN?.code,
      reference: 'CMD-PLN-0108',
      decision: 'system-type',
      systemType: 'bin-lorries',
    });
    expect(noSuchType.status).toBe(422);
    expect(noSuchType.body.detail).toContain('"bin-lorries" is not a system type');
    expect((await link({ council: CAMDEN?.code, reference: 'NOPE', decision: 'not-covered' })).status).toBe(
      404,
    );
    expect(
      (
        await link({
          council: CAMDEN?.code,
          reference: 'CMD-PLN-0108',
          decision: 'product',
          productId: 'no-such',
        })
      ).status,
    ).toBe(404);
    expect(
      (await link({ council: CAMDEN?.code, reference: 'CMD-PLN-0108', decision: 'product' })).status,
    ).toBe(422);
    expect((await link({ council: CAMDEN?.code, decision: 'maybe' })).status).toBe(400);
  });
});

describe('the contracts as open data', () => {
  it('publishes the joined table as CSV with the licence and source of each row, neutralising formulas', async () => {
    const hostile = [
      'Contract reference number,Title,End date,Supplier name',
      '"=HYPERLINK(""http://evil.example"")",<script>alert(1)</script> system,31/12/2029,@SUM(A1) & Sons',
    ].join('\r\n');
    expect((await importRegister(hostile, 'E09000032', 'wandsworth.csv')).body.created).toBe(1);
    const csv = await get('/data/contracts.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers.link).toMatch(/open-government-licence.*rel="license"/);
    expect(csv.headers['access-control-allow-origin']).toBe('*');
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe(
      'council_code,council_name,contract_reference,title,description,organisational_unit,start_date,end_date,review_date,value_gbp,supplier_name,supplier_company_number,sme,vcse,system_type,product,product_supplier,level,certificate,clauses_passed,clauses_total,matched_by,product_page,source,source_publisher,licence,licence_url,imported_at',
    );
    const camdenStreet = lines.find((line) => line.startsWith('E09000007,Camden,CMD-ICT-0417,'));
    expect(camdenStreet).toContain(
      ',2024-04-01,2029-03-31,2028-09-30,1250000.00,Example Civic Software Ltd,99000101,yes,no,street-reports,Example Street Reports 4.2,Example Civic Software Ltd,gold,certified,14,14,companies-house,',
    );
    expect(camdenStreet).toContain(
      ',camden.csv,"Camden council (E09000007), contracts register",Open Government Licence v3.0,https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/,',
    );
    const wandsworth = lines.find((line) => line.startsWith('E09000032,'));
    expect(wandsworth).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(wandsworth).toContain(",'@SUM(A1) & Sons,");
  });

  it('publishes the same rows as JSON, filtered by council or system type, refusing an unknown filter', async () => {
    const data = await get(`/data/contracts.json?council=${HACKNEY?.code}`);
    expect(data.status).toBe(200);
    expect(data.body.licence).toEqual({
      name: 'Open Government Licence v3.0',
      url: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
    });
    expect(data.body.licenceNote).toContain('Local Government Transparency Code 2015');
    expect(data.body.contracts).toHaveLength(8);
    expect(data.body.contracts[0]).toMatchObject({
      council_code: HACKNEY?.code,
      source: 'hackney.csv',
      licence: 'Open Government Licence v3.0',
    });
    const street = await get(`/data/contracts.json?system=${SPEC}`);
    expect(street.body.contracts.map((c: { contract_reference: string }) => c.contract_reference)).toEqual([
      'WCC-1',
      'CMD-ICT-0417',
      'HAC-C-7781',
      'ISL/2021/118',
      'ISL/2022/031',
    ]);
    expect((await get('/data/contracts.json?council=E09000999')).status).toBe(400);
    expect((await get('/data/contracts.csv?system=bin-lorries')).status).toBe(400);
  });

  it('shows a register’s text as text on every page, never as markup', async () => {
    for (const path of [
      '/procurement/councils/E09000032',
      '/procurement/review?council=E09000032',
      '/procurement',
    ]) {
      const page = await get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).not.toContain('<script>alert(1)</script>');
    }
    expect((await get('/procurement/councils/E09000032')).text).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; system',
    );
  });
});
