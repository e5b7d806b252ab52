import type { RunReport } from '@council-conform/runner';
import { MAX_NAME_CHARS, MAX_TEXT_CHARS } from './report-limits.ts';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const isDate = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));

const CHECK_FIELDS = ['id', 'clause', 'severity', 'title', 'status', 'message'] as const;
const CLAUSE_FIELDS = ['id', 'title', 'assessment', 'status'] as const;

/** Datasets in a report's data quality figures (`report.dataQuality.datasets`). A profile has up to 10. */
export const MAX_QUALITY_DATASETS = 100;
/** Identifier fields in one dataset's figures. Real runs: up to 4. */
export const MAX_QUALITY_IDENTIFIERS = 50;

const IDENTIFIER_KINDS: ReadonlySet<unknown> = new Set(['uprn', 'usrn', 'gss']);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isName = (value: unknown, cap: number) => typeof value === 'string' && value.length <= cap;

/**
 * The data quality figures (report format 2.2.0, optional), which the product page shows: counts that add
 * up (none valid beyond those present, none present beyond the records read), within caps.
 */
function dataQualityProblems(value: unknown): string[] {
  const path = 'report.dataQuality';
  if (!isRecord(value) || !Array.isArray(value.datasets))
    return [`${path} must be an object with a list of datasets`];
  if (value.datasets.length > MAX_QUALITY_DATASETS)
    return [
      `${path}.datasets holds ${value.datasets.length} entries, over the cap of ${MAX_QUALITY_DATASETS}`,
    ];
  const problems: string[] = [];
  value.datasets.forEach((dataset: unknown, index) => {
    const at = `${path}.datasets[${index}]`;
    if (!isRecord(dataset)) {
      problems.push(`${at} must be an object`);
      return;
    }
    if (!isName(dataset.dataset, MAX_NAME_CHARS))
      problems.push(`${at}.dataset must be a string of at most ${MAX_NAME_CHARS} characters`);
    if (!isName(dataset.title, MAX_TEXT_CHARS))
      problems.push(`${at}.title must be a string of at most ${MAX_TEXT_CHARS} characters`);
    const records = dataset.recordsRead;
    if (!isCount(records)) problems.push(`${at}.recordsRead must be a whole number, 0 or more`);
    for (const [name, part] of [
      ['dates', 'parsed'],
      ['filled', 'filled'],
    ] as const) {
      const pair = dataset[name];
      if (!isRecord(pair) || !isCount(pair.values) || !isCount(pair[part]) || pair[part] > pair.values)
        problems.push(
          `${at}.${name} must hold whole numbers values and ${part}, ${part} no more than values`,
        );
    }
    const identifiers = dataset.identifiers;
    if (!Array.isArray(identifiers)) problems.push(`${at}.identifiers must be a list`);
    else if (identifiers.length > MAX_QUALITY_IDENTIFIERS)
      problems.push(
        `${at}.identifiers holds ${identifiers.length} entries, over the cap of ${MAX_QUALITY_IDENTIFIERS}`,
      );
    else
      identifiers.forEach((identifier: unknown, i) => {
        const idAt = `${at}.identifiers[${i}]`;
        if (
          !isRecord(identifier) ||
          !IDENTIFIER_KINDS.has(identifier.kind) ||
          !isName(identifier.field, MAX_NAME_CHARS) ||
          !isCount(identifier.present) ||
          !isCount(identifier.valid) ||
          identifier.valid > identifier.present ||
          (isCount(records) && identifier.present > records)
        )
          problems.push(
            `${idAt} must be a kind (uprn, usrn or gss), a field name and whole numbers present and valid, valid no more than present and present no more than recordsRead`,
          );
      });
  });
  return problems;
}

/**
 * What the dashboard reads from a run report beyond what the certificates library checks: a signature proves
 * who sent a report, not that it is well formed, and a malformed one must be refused whole, not half stored.
 */
export function reportShapeProblems(report: RunReport): string[] {
  const problems: string[] = [];
  if (!isDate(report.startedAt)) problems.push('report.startedAt must be a date-time');
  if (!isDate(report.finishedAt)) problems.push('report.finishedAt must be a date-time');
  const checkIds = new Set<string>();
  report.checks.forEach((check: unknown, index) => {
    const path = `report.checks[${index}]`;
    if (!isRecord(check)) {
      problems.push(`${path} must be an object`);
      return;
    }
    for (const field of CHECK_FIELDS)
      if (typeof check[field] !== 'string') problems.push(`${path}.${field} must be a string`);
    if (check.violations !== undefined && !Array.isArray(check.violations))
      problems.push(`${path}.violations must be an array`);
    if (typeof check.id === 'string') {
      if (checkIds.has(check.id)) problems.push(`${path}.id "${check.id}" appears twice`);
      checkIds.add(check.id);
    }
  });
  const clauseIds = new Set<string>();
  report.clauses.forEach((clause: unknown, index) => {
    const path = `report.clauses[${index}]`;
    if (!isRecord(clause)) {
      problems.push(`${path} must be an object`);
      return;
    }
    for (const field of CLAUSE_FIELDS)
      if (typeof clause[field] !== 'string') problems.push(`${path}.${field} must be a string`);
    if (!Number.isInteger(clause.number)) problems.push(`${path}.number must be a whole number`);
    if (typeof clause.id === 'string') {
      if (clauseIds.has(clause.id)) problems.push(`${path}.id "${clause.id}" appears twice`);
      clauseIds.add(clause.id);
    }
  });
  if (report.dataQuality !== undefined) problems.push(...dataQualityProblems(report.dataQuality));
  // A long list of problems is as useless as none; the first few say what to fix.
  return problems.length > 10 ? [...problems.slice(0, 10), `and ${problems.length - 10} more`] : problems;
}
