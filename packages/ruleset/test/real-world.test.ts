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

describe.skipIf(!present)(
  `real-world descriptions in ${dir}${present ? '' : ' (absent: it sits beside the repository, not in it)'}`,
  { timeout: BUDGET.heavy },
  () => {
    it('Swagger 2.0 (Open311 GeoReport v2) is refused with a clear message, not linted', async () => {
      const error = await lint('open311-georeport-v2.yaml').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DocumentError);
      expect((error as DocumentError).code).toBe('DOCUMENT_SWAGGER_2');
      expect((error as DocumentError).message).toMatch(/Swagger 2\.0 .*Convert it first/);
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

    it('MHCLG CORE (colon-style paths) lints and reports its API key in the query string', async () => {
      const result = await lint('mhclg-core-data-collection-v1.json');
      const inQuery = result.findings.filter((f) => f.checkId === 'secure-no-credentials-in-query');
      expect(inQuery.length).toBeGreaterThan(0);
      expect(inQuery[0]?.clause).toBe('secure');
      expect(ids(result)).toContain('right-to-data-bulk-export');
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
