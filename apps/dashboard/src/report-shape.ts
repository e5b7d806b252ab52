import type { RunReport } from '@council-conform/runner';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const isDate = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));

const CHECK_FIELDS = ['id', 'clause', 'severity', 'title', 'status', 'message'] as const;
const CLAUSE_FIELDS = ['id', 'title', 'assessment', 'status'] as const;

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
  // A long list of problems is as useless as none; the first few say what to fix.
  return problems.length > 10 ? [...problems.slice(0, 10), `and ${problems.length - 10} more`] : problems;
}
