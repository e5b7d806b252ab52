import type { StoredViolationGroup } from './store.ts';
import { fieldOf, listOf } from './unknown-value.ts';

/**
 * How much of a report's evidence one product page shows. A real run (43 checks, a few kinds of violation
 * each) fits on one page; a report at every ingest cap is spread over as many pages as it needs, each within
 * about a megabyte of HTML, so no report listed can make a page that stalls the server or the browser.
 */

/** Checks on one page at most. */
export const CHECKS_PER_PAGE = 50;
/**
 * Evidence on one page at most, in characters of HTML as this module estimates them (text after escaping,
 * plus the markup around it). A page breaks before the check that would pass it.
 */
export const EVIDENCE_CHARS_PER_PAGE = 400_000;
/**
 * Evidence shown for one check at most, estimated as for a page: its kinds of violation are shown in order
 * until the next would pass this (always the first), and the signed report holds the rest. The sixteen kinds
 * of the most a real check reports take under half of it.
 */
export const EVIDENCE_CHARS_PER_CHECK = 100_000;
/** Examples shown for one kind: as many as the runner keeps. */
export const SHOWN_EXAMPLES_PER_GROUP = 5;
/** A title, message or kind longer than this is cut short on the page (real runs: at most 307). */
export const SHOWN_TEXT_CHARS = 500;
/**
 * An example longer than this is cut short. Examples are paginated evidence, unlike titles and messages, which
 * the summary of failing checks also shows; an exploration finding's example carries its smallest request as
 * a curl command, no use cut short, and past 500 characters once a generated value nears its maxLength.
 */
export const SHOWN_EXAMPLE_CHARS = 2_000;
/** A regression's description, which names every must check that failed twice, is cut short past this. */
export const SHOWN_REGRESSION_CHARS = 2_000;

// Markup around each part as product.njk writes it, rounded up: what the estimate adds to the text.
const CHECK_MARKUP = 2_000;
const GROUP_MARKUP = 200;
const EXAMPLE_MARKUP = 100;
const CLAUSE_MARKUP = 600;
const EVIDENCE_LINK_MARKUP = 30;

const ESCAPED: Readonly<Record<string, number>> = { '&': 5, '<': 4, '>': 4, '"': 6, "'": 5 };

/** The length of `text` once the page's autoescape has written it: `"` becomes `&quot;`, and so on. */
export function escapedLength(text: string): number {
  let length = text.length;
  for (const char of text) length += (ESCAPED[char] ?? 1) - 1;
  return length;
}

/** `text`, cut to SHOWN_TEXT_CHARS with an ellipsis; never in the middle of a surrogate pair. */
export function clip(text: string, max = SHOWN_TEXT_CHARS): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

export interface EvidenceCheck {
  readonly checkId: string;
  readonly title: string;
  readonly severity: string;
  readonly status: string;
  readonly message: string;
  readonly violations: readonly StoredViolationGroup[];
}

export interface ShownViolationGroup {
  readonly kind: string;
  readonly count: number;
  readonly examples: readonly { readonly message: string; readonly location?: string }[];
  /** Examples the signed report holds beyond those shown. */
  readonly hiddenExamples: number;
}

export type ShownCheck<C extends EvidenceCheck> = Omit<C, 'violations'> & {
  readonly violations: readonly ShownViolationGroup[];
  /** Kinds of violation the signed report holds beyond those shown. */
  readonly hiddenGroups: number;
};

function showGroup(group: unknown): ShownViolationGroup {
  const examples = listOf(fieldOf(group, 'examples'));
  const count = fieldOf(group, 'count');
  return {
    kind: clip(String(fieldOf(group, 'kind') ?? '')),
    count: typeof count === 'number' ? count : 0,
    examples: examples.slice(0, SHOWN_EXAMPLES_PER_GROUP).map((example) => {
      const location = fieldOf(example, 'location');
      return {
        message: clip(String(fieldOf(example, 'message') ?? ''), SHOWN_EXAMPLE_CHARS),
        ...(typeof location === 'string' ? { location: clip(location) } : {}),
      };
    }),
    hiddenExamples: Math.max(0, examples.length - SHOWN_EXAMPLES_PER_GROUP),
  };
}

function groupWeight(group: ShownViolationGroup): number {
  let weight = GROUP_MARKUP + escapedLength(group.kind);
  for (const example of group.examples)
    weight += EXAMPLE_MARKUP + escapedLength(example.message) + escapedLength(example.location ?? '');
  return weight;
}

/** A check as the page shows it: its first kinds of violation and their examples, long texts cut short. */
export function showCheck<C extends EvidenceCheck>(check: C): ShownCheck<C> {
  // Stored as the report had them: the shape check at ingest does not look inside a violation group.
  const groups = listOf(check.violations);
  const violations: ShownViolationGroup[] = [];
  let weight = 0;
  for (const group of groups) {
    const shown = showGroup(group);
    weight += groupWeight(shown);
    if (violations.length > 0 && weight > EVIDENCE_CHARS_PER_CHECK) break;
    violations.push(shown);
  }
  return {
    ...check,
    checkId: clip(check.checkId),
    title: clip(check.title),
    severity: clip(check.severity),
    status: clip(check.status),
    message: clip(check.message),
    violations,
    hiddenGroups: groups.length - violations.length,
  };
}

/** The HTML a shown check makes, estimated from above. The id is written twice: as an anchor and as text. */
export function checkWeight(check: ShownCheck<EvidenceCheck>): number {
  let weight = CHECK_MARKUP + 2 * escapedLength(check.checkId);
  for (const text of [check.title, check.severity, check.status, check.message])
    weight += escapedLength(text);
  for (const group of check.violations) weight += groupWeight(group);
  return weight;
}

export interface EvidenceClause<C> {
  readonly clause: string;
  readonly number: number;
  readonly title: string;
  readonly attestedStatement: string | null;
  readonly attestedEvidence: readonly string[];
  readonly checks: readonly C[];
}

/** A clause's heading and attestation as the page shows them, long texts cut short. */
export function showClause<G extends EvidenceClause<unknown>>(group: G): G {
  return {
    ...group,
    title: clip(group.title),
    attestedStatement: group.attestedStatement === null ? null : clip(group.attestedStatement),
    attestedEvidence: group.attestedEvidence.map((link) => clip(String(link))),
  };
}

function headingWeight(group: EvidenceClause<unknown>, continued: boolean): number {
  let weight = CLAUSE_MARKUP + 2 * escapedLength(group.clause) + escapedLength(group.title);
  if (continued) return weight;
  weight += escapedLength(group.attestedStatement ?? '');
  for (const link of group.attestedEvidence) weight += EVIDENCE_LINK_MARKUP + escapedLength(link);
  return weight;
}

/** A clause's part of one page: its heading (said to be continued when its checks began on an earlier page). */
export type EvidencePageGroup<G extends EvidenceClause<C>, C> = Omit<G, 'checks'> & {
  readonly continued: boolean;
  readonly checks: readonly C[];
};

export interface EvidencePages<G extends EvidenceClause<C>, C> {
  readonly pages: readonly (readonly EvidencePageGroup<G, C>[])[];
  /** The page each clause's heading (and first check) is on, by clause id. */
  readonly pageOfClause: ReadonlyMap<string, number>;
}

/**
 * Splits clause groups of shown checks into pages, in order: a page takes checks until the next would pass
 * CHECKS_PER_PAGE or EVIDENCE_CHARS_PER_PAGE, and always at least one. A clause whose checks run over a page
 * break is headed again, as continued, on the next. Weights come from `weightOf` (checkWeight for shown checks).
 */
export function paginateEvidence<G extends EvidenceClause<C>, C>(
  groups: readonly G[],
  weightOf: (check: C) => number,
): EvidencePages<G, C> {
  type Building = { groups: (Omit<G, 'checks'> & { continued: boolean; checks: C[] })[] };
  const pages: Building[] = [];
  const pageOfClause = new Map<string, number>();
  let page: Building = { groups: [] };
  let checks = 0;
  let weight = 0;
  const room = (more: number, isCheck: boolean) =>
    page.groups.length === 0 ||
    ((!isCheck || checks < CHECKS_PER_PAGE) && weight + more <= EVIDENCE_CHARS_PER_PAGE);
  const breakPage = () => {
    pages.push(page);
    page = { groups: [] };
    checks = 0;
    weight = 0;
  };
  for (const group of groups) {
    const { checks: groupChecks, ...heading } = group;
    let open: Building['groups'][number] | undefined;
    const openHeading = (continued: boolean) => {
      const opened = { ...heading, continued, checks: [] as C[] };
      page.groups.push(opened);
      if (!continued) pageOfClause.set(group.clause, pages.length + 1);
      weight += headingWeight(group, continued);
      return opened;
    };
    if (groupChecks.length === 0) {
      if (!room(headingWeight(group, false), false)) breakPage();
      openHeading(false);
      continue;
    }
    for (const [index, check] of groupChecks.entries()) {
      const continued = index > 0;
      const checkCost = weightOf(check);
      if (!room((open ? 0 : headingWeight(group, continued)) + checkCost, true)) {
        breakPage();
        open = undefined;
      }
      open ??= openHeading(continued);
      open.checks.push(check);
      checks += 1;
      weight += checkCost;
    }
  }
  if (page.groups.length > 0 || pages.length === 0) pages.push(page);
  return { pages: pages.map((built) => built.groups), pageOfClause };
}

/** The page a `page` query parameter asks for: absent is the first; undefined when there is no such page. */
export function requestedPage(value: string | null, pages: number): number | undefined {
  if (value === null) return 1;
  if (!/^[1-9]\d{0,6}$/.test(value)) return undefined;
  const page = Number(value);
  return page <= pages ? page : undefined;
}

export type PaginationItem =
  | { readonly number: number; readonly href: string; readonly current: boolean }
  | { readonly ellipsis: true };

export interface Pagination {
  readonly page: number;
  readonly pages: number;
  readonly previous?: { readonly href: string };
  readonly next?: { readonly href: string };
  /** For GOV.UK's pagination component: the first, the last and those around the current, gaps elided. */
  readonly items: readonly PaginationItem[];
}

/** Links to the pages around `page` of `pages`, as GOV.UK's pagination pattern shows them. */
export function paginationLinks(page: number, pages: number, hrefOf: (page: number) => string): Pagination {
  const shown = [...new Set([1, page - 1, page, page + 1, pages])]
    .filter((n) => n >= 1 && n <= pages)
    .sort((a, b) => a - b);
  const items: PaginationItem[] = [];
  shown.forEach((n, index) => {
    if (index > 0 && n - (shown[index - 1] ?? n) > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: hrefOf(n), current: n === page });
  });
  return {
    page,
    pages,
    ...(page > 1 ? { previous: { href: hrefOf(page - 1) } } : {}),
    ...(page < pages ? { next: { href: hrefOf(page + 1) } } : {}),
    items,
  };
}
