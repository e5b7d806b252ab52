import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DocumentError } from '@council-conform/openapi';
import { BUDGET } from '@council-conform/test-budgets';
import { describe, expect, it } from 'vitest';
import { hasErrors, type LintResult, lintDescription } from '../src/index.ts';

// Published descriptions of UK council and public-sector systems, kept beside the repository in
// shared/real-world (see SOURCES.md there), unedited: their defects are the test data.
const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const dir = resolve(repoRoot, '..', 'shared', 'real-world');
const present = existsSync(dir);

const lint = (file: string) => lintDescription(join(dir, file));
const ids = (result: LintResult) => new Set(result.findings.map((finding) => finding.checkId));
const findingsOf = (result: LintResult, checkId: string) =>
  result.findings.filter((finding) => finding.checkId === checkId);
const where = (result: LintResult, checkId: string) =>
  findingsOf(result, checkId)
    .map((finding) => finding.location.jsonPath)
    .sort();

describe.skipIf(!present)(
  `real-world descriptions in ${dir}${present ? '' : ' (absent: it sits beside the repository, not in it)'}`,
  { timeout: BUDGET.heavy },
  () => {
    it('Swagger 2.0 (Open311 GeoReport v2) is converted to OpenAPI 3.1 and linted, not refused', async () => {
      const result = await lint('open311-georeport-v2.yaml').catch((e: unknown) => e);
      expect(result).not.toBeInstanceOf(DocumentError);
      expect((result as LintResult).convertedFrom).toBe('Swagger 2.0');
      expect([...ids(result as LintResult)]).toEqual(
        expect.arrayContaining(['open-api-version', 'secure-no-credentials-in-query']),
      );
    });

    it('Open311 GeoReport v2: its reads are open without being classified public; its API key is applied', async () => {
      const result = await lint('open311-georeport-v2.yaml');
      const open = findingsOf(result, 'secure-operations-need-credentials');
      expect(open.map((f) => f.message.split(' can be called')[0]).sort()).toEqual([
        'GET /request/{service_request_id}.{response_format}',
        'GET /requests.{response_format}',
        'GET /services.{response_format}',
        'GET /services/{service_code}.{response_format}',
        'GET /tokens/{token_id}.{response_format}',
      ]);
      // POST /requests requires api_key, so the scheme is applied; nothing it returns looks personal.
      expect(findingsOf(result, 'secure-schemes-applied')).toEqual([]);
      expect(findingsOf(result, 'personal-data-fields-behind-security')).toEqual([]);
      expect(findingsOf(result, 'public-data-open-licence')).toEqual([]);
    });

    it('BOPS (1.3 MB, OpenAPI 3.0.1) lints, with a 3.0 warning and its real gaps', {
      timeout: BUDGET.heavy,
    }, async () => {
      const result = await lint('bops-api-v2.yaml');
      expect(result.openapi).toBe('3.0.1');
      expect(hasErrors(result)).toBe(true);
      const found = ids(result);
      for (const id of [
        'open-api-version',
        'right-to-data-bulk-export',
        'secure-oauth-schemes',
        'transparent-semantic-version',
        'personal-data-fields-classified',
        'open-standards-problem-details',
      ])
        expect(found, id).toContain(id);
      const applicantEmail = result.findings.find(
        (f) =>
          f.checkId === 'personal-data-fields-classified' && f.location.jsonPath.endsWith('applicant_email'),
      );
      expect(applicantEmail?.location.line).toBeGreaterThan(1);

      // Planning applications are not told to licence "public data" because their operations lack security.
      expect(found.has('public-data-open-licence')).toBe(false);
      // `send_email` ('true'/'false', no type) is a flag, not personal data in a URL.
      expect(findingsOf(result, 'personal-data-not-in-url')).toEqual([]);
      // Schemas under the non-standard components.definitions are judged like any others.
      expect(where(result, 'personal-data-fields-classified')).toContain(
        '$.components.definitions.ContactDetails.properties.email',
      );
      // The public endpoints are open but not classified public; the token-protected ones are fine.
      const open = where(result, 'secure-operations-need-credentials');
      expect(open.length).toBeGreaterThan(0);
      expect(open.every((path) => path.startsWith("$.paths['/api/v2/public/"))).toBe(true);
    });

    it('Hackney SMPA ("openapi: 3.0", 84 operations) lints with its path and summary gaps', async () => {
      const result = await lint('hackney-smpa-openapi.json');
      expect(result.openapi).toBe('3.0');
      const found = ids(result);
      for (const id of [
        'open-api-version',
        'path-params',
        'open-api-operation-summary',
        'open-api-error-responses',
      ])
        expect(found, id).toContain(id);
    });

    it('Hackney SMPA: a User with a password, no security anywhere, is an error, not a warning', async () => {
      const result = await lint('hackney-smpa-openapi.json');
      const password = findingsOf(result, 'personal-data-no-secrets-in-responses');
      expect(password.map((f) => f.location.jsonPath)).toEqual([
        '$.components.schemas.User.properties.password',
      ]);
      expect(password[0]?.severity).toBe('error');
      expect(password[0]?.clause).toBe('personal-data');
      expect(password[0]?.message).toMatch(/returned by GET \/api\/v1\/users\/\{id\}/);
      const user = findingsOf(result, 'personal-data-fields-behind-security').find(
        (f) => f.location.jsonPath === "$.paths['/api/v1/users/{id}'].get",
      );
      expect(user?.severity).toBe('error');
      expect(user?.message).toMatch(/personal data \(email, given_name, family_name/);
      // Nothing is classified public, so nothing is asked to carry a licence.
      expect(ids(result).has('public-data-open-licence')).toBe(false);
    });

    it('MHCLG CORE (colon-style paths) lints and reports its API key in the query string', async () => {
      const result = await lint('mhclg-core-data-collection-v1.json');
      const inQuery = result.findings.filter((f) => f.checkId === 'secure-no-credentials-in-query');
      expect(inQuery.length).toBeGreaterThan(0);
      expect(inQuery[0]?.clause).toBe('secure');
      expect(ids(result)).toContain('right-to-data-bulk-export');
    });

    it('MHCLG CORE: unlabelled special-category data behind no security is a personal-data error', async () => {
      const result = await lint('mhclg-core-data-collection-v1.json');
      const exposed = findingsOf(result, 'personal-data-fields-behind-security');
      // Every operation that returns a lettings log; DELETE returns nothing.
      expect(where(result, 'personal-data-fields-behind-security')).toEqual([
        "$.paths['/logs'].post",
        "$.paths['/logs/:id'].get",
        "$.paths['/logs/:id'].patch",
      ]);
      for (const finding of exposed) {
        expect(finding.severity).toBe('error');
        expect(finding.clause).toBe('personal-data');
        for (const field of [
          'sex1 to sex8',
          'ethnic',
          'national',
          'illness',
          'preg_occ',
          'age1 to age8',
          'postcode_full',
        ])
          expect(finding.message, field).toContain(field);
      }
      // The lettings log is not "public data": no licence is asked for.
      expect(ids(result).has('public-data-open-licence')).toBe(false);
    });

    it('MHCLG CORE: its path, its unused and misnamed schemes, and its open operations are reported under their clauses', async () => {
      const result = await lint('mhclg-core-data-collection-v1.json');
      const templates = findingsOf(result, 'open-api-path-templates');
      expect(templates.map((f) => [f.location.jsonPath, f.clause, f.severity])).toEqual([
        ["$.paths['/logs/:id']", 'open-api', 'error'],
      ]);
      expect(templates[0]?.message).toMatch(/write "\/logs\/\{id\}"/);
      const schemes = [
        "$.components.securitySchemes['API Key - 1']",
        "$.components.securitySchemes['API Key - 2']",
      ];
      expect(where(result, 'secure-schemes-applied')).toEqual(schemes);
      expect(where(result, 'open-api-component-names')).toEqual(schemes);
      expect(findingsOf(result, 'open-api-component-names').every((f) => f.severity === 'error')).toBe(true);
      const open = findingsOf(result, 'secure-operations-need-credentials');
      expect(open).toHaveLength(4);
      expect(open.every((f) => f.severity === 'error' && f.clause === 'secure')).toBe(true);
    });

    it.each([
      ['openreferral-hsds-3.0-openapi.json', '3.1.0'],
      ['oruk-uk-profile-openapi30.json', '3.0.0'],
    ])('%s: remote $refs are reported, not fetched, and the rest is judged', async (file, version) => {
      const result = await lint(file);
      expect(result.openapi).toBe(version);
      const remote = result.findings.filter((f) => f.checkId === 'open-api-self-contained');
      expect(remote.length).toBeGreaterThan(0);
      expect(remote.every((f) => /raw\.githubusercontent\.com/.test(f.message))).toBe(true);
      expect(result.findings.filter((f) => f.checkId === 'invalid-ref')).toEqual([]);
      expect(ids(result)).toContain('personal-data-operation-classified');
      expect(ids(result).has('open-api-version')).toBe(version.startsWith('3.0'));
    });
  },
);
