import type { Level } from '@council-conform/runner';
import {
  LEVELS,
  type LeagueFilter,
  LISTING_STATUSES,
  type ListingStatus,
  NATURAL_ORDER,
  SORT_KEYS,
  type SortKey,
  type SortOrder,
} from './store.ts';

/** The query parameters the league table and its open data read; any other is ignored. */
export const LEAGUE_PARAMS = ['system', 'supplier', 'level', 'status', 'sort', 'order'] as const;
export type LeagueParam = (typeof LEAGUE_PARAMS)[number];

export interface LeagueQueryError {
  readonly param: LeagueParam;
  readonly message: string;
}

export interface ParsedLeagueQuery {
  readonly filter: LeagueFilter;
  readonly sort: SortKey;
  readonly order: SortOrder;
  /** Parameters refused, each with what it may be instead; a refused one is treated as not given. */
  readonly errors: readonly LeagueQueryError[];
}

export interface LeagueChoices {
  /** System types and supplier ids some listed product has: a filter can only pick one of these. */
  readonly systemTypes: readonly string[];
  readonly supplierIds: readonly string[];
}

/**
 * Every value is checked against a list of what it may be, and only a member of that list goes on: a sort
 * key picks a fixed ORDER BY from a table, filter values travel as query parameters.
 */
export function parseLeagueQuery(params: URLSearchParams, choices: LeagueChoices): ParsedLeagueQuery {
  const errors: LeagueQueryError[] = [];
  const pick = <T extends string>(
    param: LeagueParam,
    allowed: readonly T[],
    describe: string,
  ): T | undefined => {
    const values = params.getAll(param);
    if (values.length === 0 || (values.length === 1 && values[0] === '')) return undefined;
    if (values.length > 1) {
      errors.push({ param, message: `Choose one ${describe} at most` });
      return undefined;
    }
    const value = values[0] as string;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    errors.push({
      param,
      message:
        allowed.length <= 10
          ? `${describe[0]?.toUpperCase()}${describe.slice(1)} must be one of: ${allowed.join(', ')}`
          : `No listed product has that ${describe}`,
    });
    return undefined;
  };
  const filter: LeagueFilter = {
    systemType: pick('system', choices.systemTypes, 'system type'),
    supplierId: pick('supplier', choices.supplierIds, 'supplier'),
    level: pick<Level>('level', LEVELS, 'level'),
    status: pick<ListingStatus>('status', LISTING_STATUSES, 'certificate status'),
  };
  const sort = pick<SortKey>('sort', SORT_KEYS, 'sort column') ?? 'rank';
  const order = pick<SortOrder>('order', ['asc', 'desc'], 'sort order') ?? NATURAL_ORDER[sort];
  return { filter, sort, order, errors };
}

/** The query string of a league table view, without empty or default values, for links. */
export function leagueSearch(
  filter: LeagueFilter,
  sort: SortKey = 'rank',
  order: SortOrder = NATURAL_ORDER[sort],
): string {
  const params = new URLSearchParams();
  if (filter.systemType) params.set('system', filter.systemType);
  if (filter.supplierId) params.set('supplier', filter.supplierId);
  if (filter.level) params.set('level', filter.level);
  if (filter.status) params.set('status', filter.status);
  if (sort !== 'rank' || order !== NATURAL_ORDER.rank) {
    params.set('sort', sort);
    params.set('order', order);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
