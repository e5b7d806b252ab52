import { readFile } from 'node:fs/promises';
import { type CheckResult, citedExchangeIds, LEVEL_RULES, type RunReport } from '@council-conform/runner';
import { BUDGET } from '@council-conform/test-budgets';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataQualityRows, share } from '../src/data-quality.ts';
import { escapeXml, REPORT_FORMATS, REPORTERS, renderSchemaDocs } from '../src/index.ts';
import { exampleAttestation, type RealRun, realRun } from './harness.ts';

const docs = new URL('../../../docs/', import.meta.url);
const REGENERATE = 'stale: run pnpm --filter @council-conform/reporters docs';

async function validatorFor(name: string) {
  const schema = JSON.parse(await readFile(new URL(name, docs), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

let conformant: RealRun;
let faulty: RealRun;

beforeAll(async () => {
  // One conformant run with the example attestation, and one with faults that fail checks with grouped
  // violations and evidence.
  conformant = await realRun('street-reports', [], await exampleAttestation());
  faulty = await realRun('street-reports', ['personal-endpoint-open', 'dates-ddmmyyyy']);
}, BUDGET.realRun);

const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>&amp;]]>';

/** A real report with attacker-controlled text in every place a supplier or a check can put text. */
function hostile(report: RunReport): RunReport {
  const [first, ...rest] = report.checks as CheckResult[];
  const poisoned: CheckResult = {
    ...first!,
    status: 'fail',
    message: `the supplier said ${HOSTILE}`,
    violations: [
      { kind: HOSTILE, count: 2, examples: [{ message: HOSTILE, location: `/items/0/${HOSTILE}` }] },
    ],
    data: { seen: HOSTILE },
  };
  const [dataset, ...datasets] = report.dataQuality?.datasets ?? [];
  return {
    ...report,
    ...(dataset
      ? {
          dataQuality: {
            datasets: [
              {
                ...dataset,
                title: HOSTILE,
                identifiers: [{ kind: 'uprn', field: HOSTILE, present: 1, valid: 0 }],
              },
              ...datasets,
            ],
          },
        }
      : {}),
    target: { ...report.target, url: `http://127.0.0.1/${HOSTILE}` },
    checks: [poisoned, ...rest],
    exchanges: report.exchanges.map((e, i) =>
      i === 0 && e.response
        ? {
            ...e,
            note: HOSTILE,
            response: { ...e.response, bodyPreview: HOSTILE, headers: { 'x-evil': HOSTILE } },
          }
        : e,
    ),
  };
}

describe('published schemas', () => {
  it('docs/report-schema.json and docs/attestation-schema.json are up to date', async () => {
    for (const [name, text] of Object.entries(renderSchemaDocs())) {
      expect(await readFile(new URL(name, docs), 'utf8'), `${name} is ${REGENERATE}`).toBe(text);
    }
  });

  it('real reports validate against docs/report-schema.json', async () => {
    const validate = await validatorFor('report-schema.json');
    for (const { report } of [conformant, faulty]) {
      expect(validate(report), JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
      // And through JSON, as a consumer reads the file.
      expect(validate(JSON.parse(REPORTERS.json(report)))).toBe(true);
    }
  });

  it('the schema refuses a report that drifts from it', async () => {
    const validate = await validatorFor('report-schema.json');
    expect(validate({ ...conformant.report, level: 'platinum' })).toBe(false);
    expect(validate({ ...conformant.report, surprise: true })).toBe(false);
    const { certifiable: _, ...missing } = conformant.report;
    expect(validate(missing)).toBe(false);
  });

  it('the example attestation validates against docs/attestation-schema.json and is shown as attested', async () => {
    const validate = await validatorFor('attestation-schema.json');
    expect(validate(await exampleAttestation()), JSON.stringify(validate.errors)).toBe(true);
    const inclusion = conformant.report.clauses.find((c) => c.id === 'inclusion');
    expect(inclusion?.status).toBe('attested');
    expect(validate({ supplier: 'x' })).toBe(false);
  });
});

describe('docs/suppliers.md', () => {
  it('states the level rule as LEVEL_RULES has it', async () => {
    const text = await readFile(new URL('suppliers.md', docs), 'utf8');
    for (const rule of LEVEL_RULES) {
      const title = rule.level[0]!.toUpperCase() + rule.level.slice(1);
      expect(text).toMatch(new RegExp(`^\\| ${title} +\\| ${rule.clauses.join(', ')} +\\|`, 'm'));
    }
  });
});

describe('reporters on a real report', () => {
  it('the runs are what the tests below need: one clean, one with failures and grouped violations', () => {
    expect(
      conformant.report.checks.filter((c) => c.severity === 'must' && c.status === 'fail').map((c) => c.id),
    ).toEqual([]);
    const failed = faulty.report.checks.filter((c) => c.status === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.some((c) => (c.violations?.length ?? 0) > 0)).toBe(true);
  });

  it('json is the report itself', () => {
    expect(JSON.parse(REPORTERS.json(faulty.report))).toEqual(JSON.parse(JSON.stringify(faulty.report)));
  });

  it('junit is well-formed XML: one suite per clause with checks, one case per check, statuses mapped', () => {
    for (const { report } of [conformant, faulty]) {
      const xml = REPORTERS.junit(report);
      expect(XMLValidator.validate(xml)).toBe(true);
      const parsed = new XMLParser({
        ignoreAttributes: false,
        isArray: (name) => ['testsuite', 'testcase'].includes(name),
      }).parse(xml) as {
        testsuites: {
          '@_tests': string;
          '@_failures': string;
          testsuite: { testcase: Record<string, unknown>[] }[];
        };
      };
      const cases = parsed.testsuites.testsuite.flatMap((suite) => suite.testcase);
      expect(cases).toHaveLength(report.checks.length);
      expect(Number(parsed.testsuites['@_tests'])).toBe(report.checks.length);
      const count = (status: string) => report.checks.filter((c) => c.status === status).length;
      expect(cases.filter((c) => 'failure' in c)).toHaveLength(count('fail'));
      expect(cases.filter((c) => 'error' in c)).toHaveLength(count('error'));
      expect(cases.filter((c) => 'skipped' in c)).toHaveLength(count('not-applicable') + count('not-judged'));
      expect(Number(parsed.testsuites['@_failures'])).toBe(count('fail'));
    }
  });

  it('html has the verdict, every clause with how it was judged, every check and the evidence it cites', () => {
    const { report } = faulty;
    const html = REPORTERS.html(report);
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('Certifiable: <strong>no</strong>');
    for (const reason of report.certifiableReasons) expect(html).toContain(reason.replace(/'/g, '&#39;'));
    for (const clause of report.clauses) expect(html).toContain(`id="clause-${clause.id}"`);
    for (const check of report.checks) expect(html).toContain(`id="check-${check.id}"`);
    const cited = report.checks.flatMap((c) => c.exchangeIds ?? []);
    for (const id of cited) expect(html).toContain(`href="#${id}"`);
    for (const id of cited) expect(html).toContain(`id="${id}"`);
    const attested = REPORTERS.html(conformant.report);
    expect(attested).toContain('Attested by the supplier</strong> (not tested)');
    expect(attested).toContain('test + attestation');
  });

  it('html is self-contained: no script, no external stylesheet, image or font', () => {
    const html = REPORTERS.html(faulty.report);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/\s(src|srcset)=/i);
  });

  it('every format lists the checks not judged beside the verdict, with what to give the run', () => {
    const { report } = conformant;
    // Against a plain-http mock the TLS checks cannot be judged: the run says so everywhere.
    expect(report.notJudged.map((n) => n.check)).toEqual(
      expect.arrayContaining(['secure-tls-enforced', 'secure-tls-version', 'secure-hsts']),
    );
    expect(report.certifiable).toBe(false);
    const markdown = REPORTERS.markdown(report);
    const html = REPORTERS.html(report);
    const junit = REPORTERS.junit(report);
    expect(markdown).toMatch(/\*\*Level: [A-Za-z ]+, provisional: \d+ must checks were not judged\*\*/);
    expect(markdown).toContain('### Not judged');
    for (const entry of report.notJudged) {
      expect(markdown).toContain(entry.check);
      expect(html).toContain(`${entry.check} (${entry.severity}, ${entry.clause})`);
      expect(junit).toMatch(new RegExp(`name="${entry.check}"[^]*?<skipped message="not judged: `));
    }
    expect(html).toContain('--ca-file');
  });

  it('markdown has the level, the clause table and each failing check', () => {
    const md = REPORTERS.markdown(faulty.report);
    expect(md).toContain('**Not certifiable**');
    expect(md).toMatch(/\| # \| Clause \| Status \| Judged by \| Checks \|/);
    for (const check of faulty.report.checks.filter((c) => c.status === 'fail'))
      expect(md).toContain(`\`${check.id}\``);
    expect(md.split('\n').filter((l) => l.startsWith('| ')).length).toBeGreaterThan(
      faulty.report.clauses.length,
    );
  });
});

describe('data quality', () => {
  it('is said in plain words, a share never rounded up to all nor down to none', () => {
    expect(share(999, 1000)).toBe('99%');
    expect(share(1, 1000)).toBe('under 1%');
    expect(share(0, 10)).toBe('0%');
    expect(share(10, 10)).toBe('100%');
    expect(
      dataQualityRows({
        dataset: 'properties',
        title: 'Properties',
        recordsRead: 1200,
        identifiers: [
          { kind: 'uprn', field: 'uprn', present: 1199, valid: 1100 },
          { kind: 'gss', field: 'ward', present: 0, valid: 0 },
        ],
        dates: { values: 0, parsed: 0 },
        filled: { values: 12000, filled: 9000 },
      }),
    ).toEqual([
      { measure: 'Records read', found: '1,200' },
      {
        measure: 'UPRN (property), field uprn',
        found: '1,199 of 1,200 (99%) records carry one; 1,100 of 1,199 (91%) of those are valid',
      },
      { measure: 'GSS code (area), field ward', found: '0 of 1,200 (0%) records carry one' },
      { measure: 'Dates that parse', found: 'no dates in these records' },
      {
        measure: 'Fields filled',
        found: '9,000 of 12,000 (75%) of the schema’s fields across the records hold a value',
      },
    ]);
  });

  it('is measured on every dataset a real run read: whole for the conformant mock, lower for broken dates', () => {
    const good = conformant.report.dataQuality?.datasets ?? [];
    const bad = faulty.report.dataQuality?.datasets ?? [];
    expect(good.length).toBeGreaterThan(0);
    expect(bad.map((d) => d.dataset)).toEqual(good.map((d) => d.dataset));
    const dates = (datasets: typeof good) =>
      datasets.reduce((n, d) => ({ values: n.values + d.dates.values, parsed: n.parsed + d.dates.parsed }), {
        values: 0,
        parsed: 0,
      });
    expect(dates(good).values).toBeGreaterThan(0);
    expect(dates(good).parsed).toBe(dates(good).values);
    expect(dates(bad).parsed).toBeLessThan(dates(bad).values);
    for (const d of good)
      for (const i of d.identifiers) expect(i.valid, `${d.dataset}.${i.field}`).toBe(i.present);
  });

  it('is in the HTML and Markdown reports, a table per dataset, and not in JUnit', () => {
    const { report } = faulty;
    const datasets = report.dataQuality?.datasets ?? [];
    const html = REPORTERS.html(report);
    const markdown = REPORTERS.markdown(report);
    const junit = REPORTERS.junit(report);
    expect(html).toContain('<h2 id="data-quality">Data quality</h2>');
    expect(html).toContain('<a href="#data-quality">Data quality</a>');
    expect(markdown).toContain('<details><summary>Data quality</summary>');
    expect(markdown).toContain('it changes no check and no level');
    for (const dataset of datasets) {
      expect(html).toContain(
        `<caption>${escapeXml(dataset.title)} <code>${dataset.dataset}</code></caption>`,
      );
      expect(markdown).toContain(`(\`${dataset.dataset}\`)`);
      for (const row of dataQualityRows(dataset)) {
        expect(html).toContain(
          `<tr><th scope="row">${escapeXml(row.measure)}</th><td>${escapeXml(row.found)}</td></tr>`,
        );
        expect(markdown).toContain(`| ${row.measure} | ${row.found} |`);
      }
    }
    expect(junit).not.toMatch(/Data quality|Dates that parse|Fields filled|records carry one/);
    // A report without the figures (a dry run, or one of format 2.1.0) has no such section.
    const { dataQuality: _, ...without } = report;
    expect(REPORTERS.html(without)).not.toContain('data-quality');
    expect(REPORTERS.markdown(without)).not.toContain('Data quality');
  });
});

/**
 * The faulty report as `conform run --only … --expected-failures …` leaves it: a partial run, a command to run
 * each failure again, one failure listed as expected and one listed check that passed.
 */
function straightToThePoint(report: RunReport): RunReport {
  const failures = report.checks.filter((c) => c.status === 'fail');
  const expectedId = failures[0]?.id;
  const staleId = report.checks.find((c) => c.status === 'pass')?.id;
  const leftOut = report.checks.filter((c) => c.status === 'not-applicable').map((c) => c.id);
  return {
    ...report,
    partial: { only: [], skip: leftOut, leftOut },
    checks: report.checks.map((c) => {
      let check: CheckResult = c;
      if (c.status === 'fail')
        check = {
          ...check,
          rerunCommand: `conform run --profile street-reports --mode sandbox --only ${c.id}`,
        };
      if (c.id === expectedId)
        check = { ...check, expectedFailure: { reason: 'fixed in 4.3 (SR-88)', status: 'expected' } };
      if (c.id === staleId)
        check = { ...check, expectedFailure: { reason: 'was broken in 4.1', status: 'stale' } };
      return check;
    }),
  };
}

describe('runs that go straight to the point', () => {
  it('the evidence of every failure carries a curl command naming the token’s variable, shown in the HTML', () => {
    const { report } = faulty;
    const failing = new Set(
      report.checks.filter((c) => c.status === 'fail' || c.status === 'error').flatMap(citedExchangeIds),
    );
    const reproducible = report.exchanges.filter((e) => failing.has(e.id) && e.observation === undefined);
    expect(reproducible.length).toBeGreaterThan(0);
    for (const exchange of reproducible)
      expect(exchange.curl, exchange.id).toMatch(/^curl --include --globoff /);
    expect(report.exchanges.filter((e) => e.curl !== undefined && !failing.has(e.id))).toEqual([]);
    const html = REPORTERS.html(report);
    for (const exchange of reproducible) expect(html).toContain(escapeXml(exchange.curl as string));
    const authorized = reproducible.filter((e) => e.credential === 'primary');
    expect(authorized.length).toBeGreaterThan(0);
    for (const exchange of authorized)
      expect(exchange.curl).toContain('"authorization: Bearer $CONFORM_TOKEN"');
  });

  it('every format shows a failure’s command, what the expected failures list made of each check, and a partial run', async () => {
    const report = straightToThePoint(faulty.report);
    const validate = await validatorFor('report-schema.json');
    expect(validate(report), JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
    const [expected, stale] = ['expected', 'stale'].map((status) =>
      report.checks.find((c) => c.expectedFailure?.status === status),
    ) as [CheckResult, CheckResult];
    const markdown = REPORTERS.markdown(report);
    const html = REPORTERS.html(report);
    const junit = REPORTERS.junit(report);
    for (const check of report.checks.filter((c) => c.rerunCommand)) {
      const command = check.rerunCommand as string;
      expect(markdown).toContain(`run just this check again: \`${command}\``);
      expect(html).toContain(`<pre><code>${escapeXml(command)}</code></pre>`);
      expect(junit).toContain(`run just this check again: ${escapeXml(command)}`);
    }
    expect(markdown).toContain('expected to fail: fixed in 4.3 (SR-88)');
    expect(markdown).toContain('listed as expected to fail (was broken in 4.1), but it passed');
    expect(html).toContain('expected to fail: fixed in 4.3 (SR-88)');
    const partial =
      /A partial run \(skipping [^)]+\): \d+ of the \d+ checks ran, and the \d+ left out are not judged\. It cannot be certified; run every check for that\./;
    expect(markdown).toMatch(partial);
    expect(html).toMatch(partial);
    // JUnit: an expected failure is skipped with its reason, as xfail is; a listed check that passed fails.
    const cases = new XMLParser({
      ignoreAttributes: false,
      isArray: (name) => ['testsuite', 'testcase'].includes(name),
    })
      .parse(junit)
      .testsuites.testsuite.flatMap(
        (suite: { testcase: Record<string, unknown>[] }) => suite.testcase,
      ) as Record<string, unknown>[];
    const byName = (id: string) =>
      cases.find((c) => c['@_name'] === id) as Record<string, Record<string, string>>;
    expect(byName(expected.id).skipped?.['@_message']).toBe('expected to fail: fixed in 4.3 (SR-88)');
    expect(byName(expected.id).failure).toBeUndefined();
    expect(byName(stale.id).failure?.['@_type']).toBe('expected-failure-passed');
  });

  it('har lists every HTTP exchange of the report, as it is in the report', () => {
    const { report } = faulty;
    const har = JSON.parse(REPORTERS.har(report)) as {
      log: {
        version: string;
        entries: { request: { url: string }; response: { status: number }; _conformExchangeId: string }[];
      };
    };
    expect(har.log.version).toBe('1.2');
    const http = report.exchanges.filter((e) => e.observation === undefined);
    expect(har.log.entries.map((e) => e._conformExchangeId)).toEqual(http.map((e) => e.id));
    for (const [i, entry] of har.log.entries.entries()) {
      expect(entry.request.url).toBe(http[i]?.request.url);
      expect(entry.response.status).toBe(http[i]?.response?.status ?? 0);
    }
  });
});

describe('hostile text and secrets', () => {
  it('html escapes everything a supplier or a check can put in a report', () => {
    const html = REPORTERS.html(hostile(faulty.report));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<[a-z]+[^>]*\sonerror=/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('junit stays well-formed and markdown carries no live HTML', () => {
    const report = hostile(faulty.report);
    expect(XMLValidator.validate(REPORTERS.junit(report))).toBe(true);
    // Inside a code span Markdown shows text as it is; everywhere else no tag may survive.
    const md = REPORTERS.markdown(report).replace(/`[^`\n]*`/g, '');
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('<img');
    expect(md).toContain('&lt;script&gt;');
  });

  it('no secret the run was given, nor any bearer token, appears in any format', () => {
    for (const { report, secrets } of [conformant, faulty]) {
      for (const format of REPORT_FORMATS) {
        const text = REPORTERS[format](report);
        for (const secret of secrets) expect(text.includes(secret), `${format} leaks a secret`).toBe(false);
        expect(text, format).not.toMatch(/bearer\s+(?!\[redacted\])[A-Za-z0-9._~+/-]{8,}/i);
        expect(text, format).not.toMatch(/"access_token"\s*:\s*"(?!\[redacted\])/);
      }
    }
  });
});
