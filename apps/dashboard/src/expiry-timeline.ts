import type { Council } from '@council-conform/contracts';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** A calendar quarter, named the way GOV.UK writes date ranges (financial-year quarters differ by council). */
export interface Quarter {
  readonly year: number;
  readonly quarter: 1 | 2 | 3 | 4;
  /** Counts quarters since year 0, so that neighbours differ by one, across a new year too. */
  readonly index: number;
  /** `2029-Q1`: for ids and sorting. */
  readonly key: string;
  /** `January to March 2029`. */
  readonly label: string;
}

export function quarterOf(isoDate: string): Quarter {
  const year = Number(isoDate.slice(0, 4));
  const month = Number(isoDate.slice(5, 7));
  if (!Number.isInteger(year) || !(month >= 1 && month <= 12))
    throw new RangeError(`"${isoDate}" is not an ISO 8601 date`);
  const quarter = Math.ceil(month / 3) as Quarter['quarter'];
  return {
    year,
    quarter,
    index: year * 4 + quarter - 1,
    key: `${year}-Q${quarter}`,
    label: `${MONTHS[(quarter - 1) * 3]} to ${MONTHS[quarter * 3 - 1]} ${year}`,
  };
}

/** The first day of a quarter, ISO 8601. */
export const quarterFirstDay = (q: Quarter): string =>
  `${q.year}-${String((q.quarter - 1) * 3 + 1).padStart(2, '0')}-01`;

/** The last day of a quarter, ISO 8601. */
export function quarterLastDay(q: Quarter): string {
  const lastMonth = q.quarter * 3;
  // Day 0 of the month after is the last day of this one.
  const day = new Date(Date.UTC(q.year, lastMonth, 0)).getUTCDate();
  return `${q.year}-${String(lastMonth).padStart(2, '0')}-${day}`;
}

/** `January to June 2029`, or `October 2028 to March 2029` across a new year. */
export function spanLabel(from: Quarter, to: Quarter): string {
  if (from.index === to.index) return from.label;
  const start = MONTHS[(from.quarter - 1) * 3];
  const end = MONTHS[to.quarter * 3 - 1];
  return from.year === to.year
    ? `${start} to ${end} ${to.year}`
    : `${start} ${from.year} to ${end} ${to.year}`;
}

export interface TimelineContract {
  readonly council: Council;
  readonly endDate: string | null;
}

export interface QuarterOfEndings<C> {
  readonly quarter: Quarter;
  readonly contracts: readonly C[];
  readonly councils: readonly Council[];
}

/**
 * Councils whose contracts for one kind of system end in the same quarter, or in quarters next to each other:
 * the moment they could buy together, and make conformance a condition of what they buy.
 */
export interface JointProcurementWindow<C> {
  readonly from: Quarter;
  readonly to: Quarter;
  readonly label: string;
  readonly councils: readonly Council[];
  readonly contracts: readonly C[];
}

export interface ExpiryTimeline<C> {
  /** Quarters in which some contract ends, from today on, in order. */
  readonly quarters: readonly QuarterOfEndings<C>[];
  readonly windows: readonly JointProcurementWindow<C>[];
  /** Contracts whose end date has passed: the register may be out of date, or they were extended. */
  readonly ended: readonly C[];
}

function councilsOf(contracts: readonly TimelineContract[]): Council[] {
  const byCode = new Map<string, Council>();
  for (const contract of contracts) byCode.set(contract.council.code, contract.council);
  return [...byCode.values()].sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}

/**
 * Contracts grouped by the quarter they end in, and the joint procurement windows among them: each run of
 * consecutive quarters with endings in every one of them, when two or more councils' contracts end in it.
 */
export function expiryTimeline<C extends TimelineContract>(
  contracts: readonly C[],
  now: Date,
): ExpiryTimeline<C> {
  const today = now.toISOString().slice(0, 10);
  const ended: C[] = [];
  const byQuarter = new Map<number, { quarter: Quarter; contracts: C[] }>();
  for (const contract of contracts) {
    if (!contract.endDate) continue;
    if (contract.endDate < today) {
      ended.push(contract);
      continue;
    }
    const quarter = quarterOf(contract.endDate);
    const entry = byQuarter.get(quarter.index) ?? { quarter, contracts: [] };
    entry.contracts.push(contract);
    byQuarter.set(quarter.index, entry);
  }
  const quarters = [...byQuarter.values()]
    .sort((a, b) => a.quarter.index - b.quarter.index)
    .map((entry) => ({
      quarter: entry.quarter,
      contracts: [...entry.contracts].sort(
        (a, b) =>
          (a.endDate as string).localeCompare(b.endDate as string) ||
          a.council.name.localeCompare(b.council.name, 'en-GB'),
      ),
      councils: councilsOf(entry.contracts),
    }));

  const runs: QuarterOfEndings<C>[][] = [];
  for (const entry of quarters) {
    const run = runs.at(-1);
    const last = run?.at(-1);
    if (run && last && entry.quarter.index === last.quarter.index + 1) run.push(entry);
    else runs.push([entry]);
  }
  const windows = runs.flatMap((run) => {
    const inRun = run.flatMap((entry) => entry.contracts);
    const councils = councilsOf(inRun);
    if (councils.length < 2) return [];
    const from = (run[0] as QuarterOfEndings<C>).quarter;
    const to = (run.at(-1) as QuarterOfEndings<C>).quarter;
    return [{ from, to, label: spanLabel(from, to), councils, contracts: inRun }];
  });
  return { quarters, windows, ended };
}
