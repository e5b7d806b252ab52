/**
 * Caps on what one signed report may carry, checked before anything else is done with it: the 20 MB body
 * limit alone lets a report hold 60,000 checks, and every one of them would be verified, stored and shown.
 *
 * Each cap is many times what a real run of the whole check catalogue against the mock suppliers produces
 * (each constant says how much); test/bounded-work.test.ts keeps real runs within a quarter of every cap.
 * docs/dashboard.md lists them, written from REPORT_LIMITS.
 */
import { fieldOf, listOf } from './unknown-value.ts';

/** Checks in one run. The catalogue has 43 for a profile. */
export const MAX_CHECKS = 1_000;
/** Kinds of violation one check reports; the runner groups repeats of a kind into one. Real runs: up to 16. */
export const MAX_VIOLATION_GROUPS_PER_CHECK = 100;
/** Examples kept for one kind of violation. The runner keeps 5. */
export const MAX_EXAMPLES_PER_GROUP = 20;
/** Recorded HTTP exchanges in one run. A run's default budget allows 4,500 requests; real runs: up to 1,113. */
export const MAX_EXCHANGES = 50_000;
/** Clause results. The checklist has 14 clauses. */
export const MAX_CLAUSES = 60;
/** Statements in the supplier's attestation; at most one a clause in practice. */
export const MAX_ATTESTATION_STATEMENTS = 100;
/** Links to evidence behind one attested statement. Real runs: 2. */
export const MAX_EVIDENCE_PER_STATEMENT = 20;
/** Pre-flight steps. Real runs: 7. */
export const MAX_PREFLIGHT_STEPS = 100;
/** Optional features a run names. Real runs: 2. */
export const MAX_FEATURES = 100;
/** Signatures on one report: a supplier's and a certifier's in practice. */
export const MAX_SIGNATURES = 10;
/** An identifier, keyword or name: a check or clause id, a status, a supplier or product name. Real runs: 34. */
export const MAX_NAME_CHARS = 200;
/** A title, message, statement, violation kind or example. Real runs: 307. */
export const MAX_TEXT_CHARS = 4_000;

export interface ReportLimit {
  /** The exported constant, as a refusal names it. */
  readonly name: string;
  readonly cap: number;
  /** What is counted, where in the signed report. */
  readonly counts: string;
}

/** Every cap, one row each, in the order docs/dashboard.md lists them. */
export const REPORT_LIMITS: readonly ReportLimit[] = [
  {
    name: 'MAX_CHECKS',
    cap: MAX_CHECKS,
    counts:
      'checks (`report.checks`); also checks not judged (`report.notJudged`), reasons a run is not certifiable (`report.certifiableReasons`) and checks of one clause (`report.clauses[].automated.checks`)',
  },
  {
    name: 'MAX_VIOLATION_GROUPS_PER_CHECK',
    cap: MAX_VIOLATION_GROUPS_PER_CHECK,
    counts: 'violation groups of one check (`report.checks[].violations`)',
  },
  {
    name: 'MAX_EXAMPLES_PER_GROUP',
    cap: MAX_EXAMPLES_PER_GROUP,
    counts: 'examples of one violation group (`…violations[].examples`)',
  },
  {
    name: 'MAX_EXCHANGES',
    cap: MAX_EXCHANGES,
    counts:
      'recorded exchanges (`report.exchanges`), and exchanges one check cites (`report.checks[].exchangeIds`)',
  },
  { name: 'MAX_CLAUSES', cap: MAX_CLAUSES, counts: 'clause results (`report.clauses`)' },
  {
    name: 'MAX_ATTESTATION_STATEMENTS',
    cap: MAX_ATTESTATION_STATEMENTS,
    counts: 'attested statements (`report.attestation.statements`)',
  },
  {
    name: 'MAX_EVIDENCE_PER_STATEMENT',
    cap: MAX_EVIDENCE_PER_STATEMENT,
    counts:
      'evidence of one attested statement (`…statements[].evidence`, `report.clauses[].attested.evidence`)',
  },
  {
    name: 'MAX_PREFLIGHT_STEPS',
    cap: MAX_PREFLIGHT_STEPS,
    counts: 'pre-flight steps (`report.preflight`)',
  },
  { name: 'MAX_FEATURES', cap: MAX_FEATURES, counts: 'features of the target (`report.target.features`)' },
  { name: 'MAX_SIGNATURES', cap: MAX_SIGNATURES, counts: 'signatures (`signatures`)' },
  {
    name: 'MAX_NAME_CHARS',
    cap: MAX_NAME_CHARS,
    counts:
      'characters of an id, status, severity or name: of checks, violations, clauses, statements, and the certificate’s supplier, product, profile and spec version',
  },
  {
    name: 'MAX_TEXT_CHARS',
    cap: MAX_TEXT_CHARS,
    counts:
      'characters of a title, message, violation kind, example, location, attested statement or evidence link',
  },
];

/** One cap a report goes past: the largest count found, and where. */
export interface LimitExcess {
  readonly limit: string;
  readonly cap: number;
  readonly found: number;
  /** A path into the signed report, `report.checks[12].violations`. */
  readonly at: string;
}

/**
 * The largest count found for every cap, and where: what a report uses of each. Reads any value (shapes are
 * checked elsewhere, after this): what is not a list or a string is not counted. Linear in the report's size.
 */
export function reportLimitUsage(signed: unknown): Map<string, { found: number; at: string }> {
  const usage = new Map<string, { found: number; at: string }>();
  const count = (limit: string, at: string, found: number) => {
    const largest = usage.get(limit);
    if (!largest || found > largest.found) usage.set(limit, { found, at });
  };
  const list = (limit: string, at: string, value: unknown) => {
    if (Array.isArray(value)) count(limit, at, value.length);
    return listOf(value);
  };
  const name = (at: string, value: unknown) => {
    if (typeof value === 'string') count('MAX_NAME_CHARS', at, value.length);
  };
  const text = (at: string, value: unknown) => {
    if (typeof value === 'string') count('MAX_TEXT_CHARS', at, value.length);
  };

  list('MAX_SIGNATURES', 'signatures', fieldOf(signed, 'signatures'));
  const certificate = fieldOf(signed, 'certificate');
  for (const key of ['supplier', 'product', 'profile', 'specVersion'])
    name(`certificate.${key}`, fieldOf(certificate, key));

  const report = fieldOf(signed, 'report');
  list('MAX_EXCHANGES', 'report.exchanges', fieldOf(report, 'exchanges'));
  list('MAX_PREFLIGHT_STEPS', 'report.preflight', fieldOf(report, 'preflight'));
  list('MAX_CHECKS', 'report.notJudged', fieldOf(report, 'notJudged'));
  list('MAX_CHECKS', 'report.certifiableReasons', fieldOf(report, 'certifiableReasons'));
  list('MAX_FEATURES', 'report.target.features', fieldOf(fieldOf(report, 'target'), 'features'));

  list('MAX_CHECKS', 'report.checks', fieldOf(report, 'checks')).forEach((check, c) => {
    const at = `report.checks[${c}]`;
    for (const key of ['id', 'clause', 'severity', 'status']) name(`${at}.${key}`, fieldOf(check, key));
    for (const key of ['title', 'message']) text(`${at}.${key}`, fieldOf(check, key));
    list('MAX_EXCHANGES', `${at}.exchangeIds`, fieldOf(check, 'exchangeIds')).forEach((id, i) => {
      name(`${at}.exchangeIds[${i}]`, id);
    });
    list('MAX_VIOLATION_GROUPS_PER_CHECK', `${at}.violations`, fieldOf(check, 'violations')).forEach(
      (group, g) => {
        const groupAt = `${at}.violations[${g}]`;
        text(`${groupAt}.kind`, fieldOf(group, 'kind'));
        list('MAX_EXAMPLES_PER_GROUP', `${groupAt}.examples`, fieldOf(group, 'examples')).forEach(
          (example, e) => {
            text(`${groupAt}.examples[${e}].message`, fieldOf(example, 'message'));
            text(`${groupAt}.examples[${e}].location`, fieldOf(example, 'location'));
            name(`${groupAt}.examples[${e}].exchangeId`, fieldOf(example, 'exchangeId'));
          },
        );
      },
    );
  });

  list('MAX_CLAUSES', 'report.clauses', fieldOf(report, 'clauses')).forEach((clause, c) => {
    const at = `report.clauses[${c}]`;
    for (const key of ['id', 'assessment', 'status']) name(`${at}.${key}`, fieldOf(clause, key));
    text(`${at}.title`, fieldOf(clause, 'title'));
    const automated = fieldOf(clause, 'automated');
    name(`${at}.automated.status`, fieldOf(automated, 'status'));
    list('MAX_CHECKS', `${at}.automated.checks`, fieldOf(automated, 'checks')).forEach((id, i) => {
      name(`${at}.automated.checks[${i}]`, id);
    });
    const attested = fieldOf(clause, 'attested');
    text(`${at}.attested.statement`, fieldOf(attested, 'statement'));
    list('MAX_EVIDENCE_PER_STATEMENT', `${at}.attested.evidence`, fieldOf(attested, 'evidence')).forEach(
      (link, i) => {
        text(`${at}.attested.evidence[${i}]`, link);
      },
    );
  });

  const attestation = fieldOf(report, 'attestation');
  for (const key of ['supplier', 'product']) name(`report.attestation.${key}`, fieldOf(attestation, key));
  const statements = fieldOf(attestation, 'statements');
  list('MAX_ATTESTATION_STATEMENTS', 'report.attestation.statements', statements).forEach((statement, s) => {
    const at = `report.attestation.statements[${s}]`;
    name(`${at}.clause`, fieldOf(statement, 'clause'));
    text(`${at}.statement`, fieldOf(statement, 'statement'));
    list('MAX_EVIDENCE_PER_STATEMENT', `${at}.evidence`, fieldOf(statement, 'evidence')).forEach(
      (link, i) => {
        text(`${at}.evidence[${i}]`, link);
      },
    );
  });
  return usage;
}

const CAPS = new Map(REPORT_LIMITS.map((limit) => [limit.name, limit.cap]));

/** Every cap the signed report goes past, each with the largest count found; empty when it keeps to all. */
export function reportLimitExcesses(signed: unknown): LimitExcess[] {
  const excesses: LimitExcess[] = [];
  for (const [limit, { found, at }] of reportLimitUsage(signed)) {
    const cap = CAPS.get(limit) ?? 0;
    if (found > cap) excesses.push({ limit, cap, found, at });
  }
  return excesses;
}

/** "report.checks holds 60000 entries, over the cap MAX_CHECKS of 1000": what a refusal says. */
export function describeExcess({ limit, cap, found, at }: LimitExcess): string {
  const unit = limit.endsWith('_CHARS') ? 'characters' : 'entries';
  return `${at} holds ${found} ${unit}, over the cap ${limit} of ${cap}`;
}
