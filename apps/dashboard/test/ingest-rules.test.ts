import type { Server } from 'node:http';
import { type SignedReport, signReport } from '@council-conform/certificates';
import type { RunReport } from '@council-conform/runner';
import { BUDGET } from '@council-conform/test-budgets';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportIdOf } from '../src/ids.ts';
import {
  CLOCK_SKEW_MS,
  changelogVersions,
  type IngestProblem,
  ingestRuleProblems,
  MAX_VALIDITY_DAYS,
  type ReferenceSpecVersions,
  referenceSpecVersions,
} from '../src/ingest-rules.ts';
import { openResultsStore, type ResultsStore } from '../src/store.ts';
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
} from './support.ts';

const keys: Keys = makeKeys();
let run: RunReport;

beforeAll(async () => {
  run = await runAgainstMock();
}, BUDGET.realRun);

/** The run with its profile as another spec or version would name it; signing copies it into the certificate. */
const asProfile = (report: RunReport, id: string, version: string): RunReport =>
  structuredClone({ ...report, profile: { ...report.profile, id, version } });

const reasons = (problems: readonly IngestProblem[]) => problems.map((problem) => problem.reason);

describe('ingestRuleProblems', () => {
  const SPECS: readonly ReferenceSpecVersions[] = [
    { profile: SPEC, current: '1.1.0', released: ['1.1.0', '1.0.0'] },
  ];
  const FINISHED = '2026-06-01T10:00:00.000Z';
  const SIGNED = new Date('2026-06-01T10:30:00.000Z');
  const RECEIVED = new Date('2026-06-01T11:00:00.000Z');
  const at = (base: Date, offsetMs: number) => new Date(base.getTime() + offsetMs);
  const honest = () => ranAt(asProfile(run, SPEC, '1.1.0'), FINISHED);
  const problemsOf = (signed: SignedReport, receivedAt = RECEIVED) =>
    ingestRuleProblems(signed, receivedAt, SPECS);

  it('finds nothing wrong with a run signed after it finished and received after that', () => {
    expect(problemsOf(certify(honest(), keys, { now: SIGNED }))).toEqual([]);
  });

  it('refuses a run dated 9999-12-31 as future-dated, naming the field, its value and the limit', () => {
    const signed = certify(ranAt(honest(), '9999-12-31T02:00:00Z'), keys, { now: SIGNED });
    const problems = problemsOf(signed);
    expect(problems[0]).toEqual({
      reason: 'future-dated',
      message: `report.finishedAt 9999-12-31T02:00:00.000Z is later than the dashboard received the report (${RECEIVED.toISOString()}), beyond the 5 minutes allowed for clock skew`,
    });
    expect(reasons(problems)).toEqual(['future-dated', 'signed-before-run']);
  });

  it('allows the stated clock skew after receipt, and not a millisecond more', () => {
    expect(CLOCK_SKEW_MS).toBe(5 * 60 * 1000);
    const edge = at(RECEIVED, CLOCK_SKEW_MS);
    const withinSkew = certify(ranAt(honest(), edge.toISOString()), keys, { now: edge });
    expect(problemsOf(withinSkew)).toEqual([]);
    const beyond = at(edge, 1);
    const tooLate = certify(ranAt(honest(), beyond.toISOString()), keys, { now: beyond });
    expect(reasons(problemsOf(tooLate))).toEqual(['future-dated', 'future-dated', 'future-dated']);
    expect(problemsOf(tooLate).map((problem) => problem.message.split(' ')[0])).toEqual([
      'report.finishedAt',
      'certificate.issuedAt',
      'signatures[0].signedAt',
    ]);
  });

  it('refuses a certificate issued, or a countersignature made, after receipt', () => {
    const early = certify(honest(), keys, { now: at(RECEIVED, 24 * 60 * 60 * 1000) });
    expect(problemsOf(early).map((problem) => problem.message.split(' ')[0])).toEqual([
      'certificate.issuedAt',
      'signatures[0].signedAt',
    ]);
    const supplierSigned = selfAssess(honest(), keys.supplier, { now: SIGNED });
    const countersigned = signReport(supplierSigned, {
      privateKeyPem: keys.certifier.privateKeyPem,
      role: 'certifier',
      now: at(RECEIVED, 60 * 60 * 1000),
    });
    const [problem, ...rest] = problemsOf(countersigned);
    expect(rest).toEqual([]);
    expect(problem?.reason).toBe('future-dated');
    expect(problem?.message).toContain('signatures[1].signedAt 2026-06-01T12:00:00.000Z is later than');
  });

  it('refuses a run that finished after it was signed, beyond the skew, but not within it', () => {
    const signedEarly = certify(honest(), keys, { now: at(new Date(FINISHED), -(CLOCK_SKEW_MS + 1)) });
    expect(problemsOf(signedEarly)).toEqual([
      {
        reason: 'signed-before-run',
        message: `report.finishedAt ${FINISHED} is later than signatures[0].signedAt 2026-06-01T09:54:59.999Z, beyond the 5 minutes allowed for clock skew: a run cannot be signed before it finished`,
      },
    ]);
    const withinSkew = certify(honest(), keys, { now: at(new Date(FINISHED), -CLOCK_SKEW_MS) });
    expect(problemsOf(withinSkew)).toEqual([]);
  });

  it('refuses a run that finished before it started', () => {
    const backwards = structuredClone({ ...honest(), startedAt: '2026-06-01T10:00:01.000Z' });
    expect(problemsOf(certify(backwards, keys, { now: SIGNED }))).toEqual([
      {
        reason: 'run-ends-before-start',
        message: `report.finishedAt ${FINISHED} is earlier than report.startedAt 2026-06-01T10:00:01.000Z`,
      },
    ]);
  });

  it(`refuses an expiry more than ${MAX_VALIDITY_DAYS} days after issue, the certificates package's validity`, () => {
    expect(MAX_VALIDITY_DAYS).toBe(365);
    const year = certify(honest(), keys, { now: SIGNED, expiresInDays: MAX_VALIDITY_DAYS });
    expect(problemsOf(year)).toEqual([]);
    const decade = certify(honest(), keys, { now: SIGNED, expiresInDays: 3650 });
    expect(problemsOf(decade)).toEqual([
      {
        reason: 'expiry-too-long',
        message:
          'certificate.expiresAt 2036-05-29T10:30:00.000Z is 3650.0 days after certificate.issuedAt 2026-06-01T10:30:00.000Z; a certificate runs for at most 365 days',
      },
    ]);
    const aDayOver = certify(honest(), keys, { now: SIGNED, expiresInDays: MAX_VALIDITY_DAYS + 1 });
    expect(reasons(problemsOf(aDayOver))).toEqual(['expiry-too-long']);
  });

  it('refuses an expiry before issue', () => {
    const signed = certify(honest(), keys, { now: SIGNED });
    const backwards = structuredClone({
      ...signed,
      certificate: { ...signed.certificate, expiresAt: '2026-05-01T00:00:00.000Z' },
    });
    expect(problemsOf(backwards)).toEqual([
      {
        reason: 'expiry-before-issue',
        message:
          'certificate.expiresAt 2026-05-01T00:00:00.000Z is not later than certificate.issuedAt 2026-06-01T10:30:00.000Z',
      },
    ]);
  });

  it('refuses a profile no reference spec has, and a version the spec never had', () => {
    const parking = certify(asProfile(honest(), 'parking-permits', '1.0.0'), keys, { now: SIGNED });
    expect(problemsOf(parking)).toEqual([
      {
        reason: 'unknown-profile',
        message:
          'report.profile.id "parking-permits" is not the profile of any reference spec (known: street-reports)',
      },
    ]);
    for (const version of ['99.0.0', '1.2.0', '1.0.1', 'latest']) {
      const claimed = certify(asProfile(honest(), SPEC, version), keys, { now: SIGNED });
      expect(problemsOf(claimed), version).toEqual([
        {
          reason: 'unknown-spec-version',
          message: `report.profile.version "${version}" is not a released version of the street-reports reference spec (released: 1.1.0, 1.0.0; current 1.1.0)`,
        },
      ]);
    }
    const earlier = certify(asProfile(honest(), SPEC, '1.0.0'), keys, { now: SIGNED });
    expect(problemsOf(earlier)).toEqual([]);
  });
});

describe('the reference specs the dashboard accepts', () => {
  it("reads each spec's profile id, its current version and the earlier ones its README's changelog records", async () => {
    const specs = await referenceSpecVersions();
    expect(specs).toHaveLength(10);
    expect(specs.find((spec) => spec.profile === SPEC)).toEqual({
      profile: SPEC,
      current: run.profile.version,
      released: ['1.1.1', '1.1.0', '1.0.0'],
    });
    for (const spec of specs) expect(spec.released, spec.profile).toContain(spec.current);
  });

  it('takes versions only from the changelog section, in the order it lists them', () => {
    const readme = [
      '# A spec',
      '- 9.9.9 is not in the changelog',
      '## Changelog',
      '',
      '- 1.1.0 (2026-12-06): on Council API Baseline 1.1.0.',
      '  - 7.7.7 continues the entry above',
      '- 1.0.0: first version.',
      '## Licence',
      '- 8.8.8 (not a version)',
    ].join('\n');
    expect(changelogVersions(readme)).toEqual(['1.1.0', '1.0.0']);
    expect(changelogVersions('# No changelog here')).toEqual([]);
  });
});

describe('POST /api/reports refuses what ingestRuleProblems finds', { timeout: BUDGET.database }, () => {
  let store: ResultsStore;
  let http: Server;
  beforeAll(async () => {
    store = await openResultsStore();
    ({ http } = await testDashboard(store, keys));
  }, BUDGET.database);
  afterAll(async () => {
    await store?.close();
  });

  const publish = (signed: SignedReport) =>
    request(http)
      .post('/api/reports')
      .set('authorization', bearer(CERTIFIER_TOKEN))
      .set('content-type', 'application/json')
      .send(JSON.stringify(signed));

  const expectRefused = async (signed: SignedReport, reason: string, detail: string) => {
    const answer = await publish(signed);
    expect(answer.status, answer.text).toBe(422);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({
      type: 'urn:council-conform:problem:report-refused',
      status: 422,
      reason,
      instance: '/api/reports',
    });
    expect(answer.body.detail).toContain(detail);
    expect(await store.report(reportIdOf(signed))).toBeUndefined();
  };

  it('refuses a run dated 9999-12-31 with 422 future-dated, and stores nothing of it', async () => {
    const rival = asProduct(run, 'Rival Ltd', 'Rival Streets');
    const signed = certify(ranAt(rival, '9999-12-31T02:00:00Z'), keys);
    await expectRefused(signed, 'future-dated', 'report.finishedAt 9999-12-31T02:00:00.000Z is later than');
    const table = await request(http).get('/data/league-table.json');
    expect(table.body.products).toEqual([]);
  });

  it("refuses a report claiming street-reports 99.0.0, so no one else's product looks due for re-certification", async () => {
    const signed = certify(asProfile(asProduct(run, 'Rival Ltd', 'Rival Streets'), SPEC, '99.0.0'), keys);
    await expectRefused(signed, 'unknown-spec-version', 'report.profile.version "99.0.0"');
  });

  it('refuses a report on a profile no reference spec has', async () => {
    const signed = certify(asProfile(run, 'parking-permits', '1.0.0'), keys);
    await expectRefused(signed, 'unknown-profile', 'report.profile.id "parking-permits"');
  });

  it('refuses a certificate that runs for ten years', async () => {
    const signed = certify(asProduct(run, 'Rival Ltd', 'Rival Streets'), keys, { expiresInDays: 3650 });
    await expectRefused(signed, 'expiry-too-long', 'a certificate runs for at most 365 days');
  });

  it('still stores an honest report: 201, listed', async () => {
    const signed = certify(run, keys);
    const answer = await publish(signed);
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body).toMatchObject({ id: reportIdOf(signed), status: 'certified', profile: SPEC });
    const table = await request(http).get('/data/league-table.json');
    expect(table.body.products).toEqual([
      expect.objectContaining({ product: 'Example Street Reports 4.2', spec_version: run.profile.version }),
    ]);
  });
});
