import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Level } from '@council-conform/runner';
import nunjucks from 'nunjucks';
import type { ListingStatus } from './store.ts';

const require = createRequire(import.meta.url);
/** The govuk-frontend package folder: its `dist` holds the Nunjucks macros and the compiled assets. */
export const GOVUK_FRONTEND_DIR = dirname(require.resolve('govuk-frontend/package.json'));
const VIEWS_DIR = join(import.meta.dirname, 'views');

export interface Tag {
  readonly text: string;
  readonly classes: string;
}

const TAGS: Record<string, Tag> = {
  certified: { text: 'Certified', classes: 'govuk-tag--green' },
  'self-assessed': { text: 'Self-assessed', classes: '' },
  expired: { text: 'Expired', classes: 'govuk-tag--grey' },
  due: { text: 'Due for re-certification', classes: 'govuk-tag--yellow' },
};

/** A clause's status in words a council officer can act on; "attested" is never dressed up as "passed". */
const CLAUSE_TAGS: Record<string, Tag> = {
  pass: { text: 'Passed', classes: 'govuk-tag--green' },
  fail: { text: 'Failed', classes: 'govuk-tag--red' },
  partial: { text: 'Partly met', classes: 'govuk-tag--yellow' },
  incomplete: { text: 'Incomplete', classes: 'govuk-tag--orange' },
  'not-judged': { text: 'Not judged', classes: 'govuk-tag--orange' },
  attested: { text: 'Attested', classes: 'govuk-tag--turquoise' },
  'not-attested': { text: 'Not attested', classes: 'govuk-tag--grey' },
  'not-assessed': { text: 'Not assessed', classes: 'govuk-tag--grey' },
};

const CHECK_TAGS: Record<string, Tag> = {
  pass: { text: 'Pass', classes: 'govuk-tag--green' },
  fail: { text: 'Fail', classes: 'govuk-tag--red' },
  warn: { text: 'Warning', classes: 'govuk-tag--yellow' },
  'not-applicable': { text: 'Not applicable', classes: 'govuk-tag--grey' },
  'not-judged': { text: 'Not judged', classes: 'govuk-tag--orange' },
  error: { text: 'Could not run', classes: 'govuk-tag--orange' },
};

const DISPUTE_TAGS: Record<string, Tag> = {
  open: { text: 'Open', classes: '' },
  accepted: { text: 'Waiver granted', classes: 'govuk-tag--purple' },
  rejected: { text: 'Rejected', classes: 'govuk-tag--grey' },
};

// A value a newer report brings that this release does not name is shown as it is, not hidden.
const tagOf = (table: Record<string, Tag>, value: string): Tag =>
  table[value] ?? { text: value, classes: 'govuk-tag--grey' };

export const statusTag = (status: ListingStatus | 'due') => tagOf(TAGS, status);
export const clauseTag = (status: string) => tagOf(CLAUSE_TAGS, status);
export const checkTag = (status: string) => tagOf(CHECK_TAGS, status);
export const disputeTag = (state: string) => tagOf(DISPUTE_TAGS, state);

export const LEVEL_LABELS: Record<Level, string> = {
  gold: 'Gold',
  silver: 'Silver',
  bronze: 'Bronze',
  none: 'No level',
};

export const STATUS_LABELS: Record<ListingStatus, string> = {
  certified: 'Certified',
  'self-assessed': 'Self-assessed',
  expired: 'Expired',
};

export const JUDGED_BY: Record<string, string> = {
  automated: 'Test',
  attested: 'Attestation',
  both: 'Test and attestation',
};

/** "2 March 2026", as GOV.UK writes dates; in UTC so a page reads the same wherever it is rendered. */
export function govukDate(value: string | null | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

export interface Views {
  render(template: string, context: Record<string, unknown>): string;
}

/**
 * Nunjucks over GOV.UK Frontend's own macros and page template, with autoescape on: everything a supplier
 * wrote reaches the page as text, and only markup built here is marked safe.
 */
export function createViews(): Views {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([join(GOVUK_FRONTEND_DIR, 'dist'), VIEWS_DIR]),
    { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  );
  env.addFilter('govukDate', govukDate);
  env.addGlobal('statusTag', statusTag);
  env.addGlobal('clauseTag', clauseTag);
  env.addGlobal('checkTag', checkTag);
  env.addGlobal('disputeTag', disputeTag);
  env.addGlobal('levelLabel', (level: Level) => LEVEL_LABELS[level] ?? level);
  env.addGlobal('judgedBy', (assessment: string) => JUDGED_BY[assessment] ?? assessment);
  return { render: (template, context) => env.render(template, context) };
}
