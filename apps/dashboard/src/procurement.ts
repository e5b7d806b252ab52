import type { IncomingMessage } from 'node:http';
import { GSS_CODE_PATTERN, supplierNameKey } from '@council-conform/contracts';
import { permits } from './access.ts';
import { CONTRACTS_API_PATHS, createContractsApi, type JsonBody, linkContract } from './contracts-api.ts';
import { contractsCsv, contractsJson } from './contracts-open-data.ts';
import type { LinkDecision, MatchMethod, StoredContract } from './contracts-store.ts';
import { expiryTimeline, quarterFirstDay, quarterLastDay } from './expiry-timeline.ts';
import { ganttChart } from './gantt-chart.ts';
import { BodyTooLargeError, PROBLEM, problem, type Reply, readBody } from './http.ts';
import { ID_PATTERN } from './ids.ts';
import { OPEN, openDataReply } from './open-data.ts';
import type { Actor } from './principals-store.ts';
import type { RateDecision } from './rate-limit.ts';
import { CLAUSE_COUNT, type LeagueRow, type ListingStatus, type ResultsStore } from './store.ts';
import { type SystemType, systemTypeName, systemTypes } from './system-types.ts';
import { LEVEL_LABELS } from './views.ts';

/** Renders a page in the dashboard's layout (the server's own `page`). */
export type PageRenderer = (
  template: string,
  title: string,
  path: string,
  context: Record<string, unknown>,
  status?: number,
) => Reply;

export interface ProcurementDeps {
  readonly store: ResultsStore;
  readonly now: () => Date;
  readonly page: PageRenderer;
  readonly notFoundPage: (path: string) => Reply;
  /** The actor a credential typed into a form names, if it is live: the same check bearer tokens get. */
  readonly knownToken: (token: string) => Promise<Actor | undefined>;
  readonly rateLimit: (client: string) => RateDecision;
  readonly readJsonBody: (request: IncomingMessage, path: string, limit: number) => Promise<JsonBody>;
  readonly maxFormBytes: number;
}

/** Contracts on the review page at once: enough to work through a register, few enough for one form. */
export const REVIEW_PAGE_SIZE = 50;

const MATCHED_BY: Record<MatchMethod, string> = {
  'companies-house': 'Companies House number',
  reviewed: 'Linked by a reviewer',
  'reviewed-name': 'Supplier name linked by a reviewer',
};

/** £1,250,000, or £12,500.50 when there are pence: as a council officer reads an amount. */
export function poundsText(pence: number | null): string {
  if (pence === null) return '';
  const pounds = String(Math.floor(pence / 100)).replace(/\B(?=(\d{3})+$)/g, ',');
  return pence % 100 === 0 ? `£${pounds}` : `£${pounds}.${String(pence % 100).padStart(2, '0')}`;
}

const listingOf = (row: LeagueRow): ListingStatus => (row.expired ? 'expired' : row.status);

interface Standing {
  readonly reportId: string;
  readonly level: LeagueRow['level'];
  readonly levelLabel: string;
  readonly listingStatus: ListingStatus;
  readonly clausesMet: number;
  readonly clausesTotal: number;
}

const standingOf = (row: LeagueRow | undefined): Standing | undefined =>
  row && {
    reportId: row.reportId,
    level: row.level,
    levelLabel: LEVEL_LABELS[row.level],
    listingStatus: listingOf(row),
    clausesMet: row.clausesMet,
    clausesTotal: CLAUSE_COUNT,
  };

/**
 * The procurement pages (which councils hold contracts for which products, when they end, how those products
 * score), the review of contracts no number matched, the contracts open data and the contracts API.
 */
export function createProcurement(deps: ProcurementDeps) {
  const { store, now, page, notFoundPage } = deps;
  const api = createContractsApi(deps);

  async function standings(): Promise<Map<string, LeagueRow>> {
    const rows = await store.leagueTable({ now: now() });
    return new Map(rows.map((row) => [row.productId, row]));
  }

  /** What every contract row of every page shows. */
  function contractView(
    contract: StoredContract,
    table: ReadonlyMap<string, LeagueRow>,
    types: readonly SystemType[],
  ) {
    const standing = standingOf(contract.productId ? table.get(contract.productId) : undefined);
    return {
      ...contract,
      valueText: poundsText(contract.valuePence),
      systemTypeName: contract.systemType ? systemTypeName(types, contract.systemType) : undefined,
      matchedByText: contract.matchedBy ? MATCHED_BY[contract.matchedBy] : undefined,
      standing,
      ended: contract.endDate !== null && contract.endDate < now().toISOString().slice(0, 10),
    };
  }

  const certifiedOn = (table: ReadonlyMap<string, LeagueRow>, systemType: string) =>
    [...table.values()]
      .filter((row) => row.systemType === systemType && listingOf(row) === 'certified')
      .sort((a, b) => a.position - b.position);

  // ---- pages ----

  async function overview(url: URL): Promise<Reply> {
    const [councils, contracts, table, types] = await Promise.all([
      store.contracts.councils(),
      store.contracts.contracts(),
      standings(),
      systemTypes(),
    ]);
    const typed = new Set([
      ...contracts.map((c) => c.systemType).filter((t): t is string => t !== null),
      ...[...table.values()].map((row) => row.systemType),
    ]);
    const rows = [...typed]
      .map((id) => {
        const timeline = expiryTimeline(
          contracts.filter((c) => c.systemType === id),
          now(),
        );
        const next = timeline.quarters[0]?.contracts[0];
        return {
          id,
          name: systemTypeName(types, id),
          councils: new Set(contracts.filter((c) => c.systemType === id).map((c) => c.council.code)).size,
          next,
          windows: timeline.windows.map((w) => ({ label: w.label, councils: w.councils.map((c) => c.name) })),
          certified: certifiedOn(table, id).length,
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
    return page('procurement.njk', 'Procurement', url.pathname, {
      breadcrumbs: [{ text: 'League table', href: '/' }],
      systemTypes: rows,
      councils,
      toReview: contracts.filter((c) => c.needsReview).length,
      contractCount: contracts.length,
    });
  }

  async function timelinePage(url: URL, id: string): Promise<Reply> {
    const [types, table] = await Promise.all([systemTypes(), standings()]);
    const known =
      types.some((type) => type.id === id) || [...table.values()].some((row) => row.systemType === id);
    if (!known) return notFoundPage(url.pathname);
    const contracts = (await store.contracts.contracts({ systemType: id })).map((c) =>
      contractView(c, table, types),
    );
    const timeline = expiryTimeline(contracts, now());
    const name = systemTypeName(types, id);
    const listed = [...table.values()].filter((row) => row.systemType === id);
    const chart = ganttChart({
      id: 'timeline-chart',
      title: `${name}: councils’ contracts from start to end, with joint procurement windows`,
      contracts: contracts.map((c) => ({ ...c, standing: c.standing?.level ?? 'unlinked' })),
      windows: timeline.windows.map((w) => ({
        from: quarterFirstDay(w.from),
        to: quarterLastDay(w.to),
        label: w.label,
      })),
      today: now().toISOString(),
    });
    // One table with the same columns throughout: those ending from today on, soonest first.
    const upcoming = timeline.quarters.flatMap((entry) =>
      entry.contracts.map((contract) => ({ ...contract, quarter: entry.quarter })),
    );
    return page('procurement-timeline.njk', `${name}: when contracts end`, url.pathname, {
      chart,
      upcoming,
      breadcrumbs: [
        { text: 'League table', href: '/' },
        { text: 'Procurement', href: '/procurement' },
      ],
      systemType: { id, name },
      timeline,
      contractCount: contracts.length,
      certified: certifiedOn(table, id).map((row) => ({ ...row, standing: standingOf(row) })),
      otherListed: listed.filter((row) => listingOf(row) !== 'certified').length,
    });
  }

  async function councilPage(url: URL, code: string): Promise<Reply> {
    const councils = await store.contracts.councils();
    const council = councils.find((c) => c.code === code);
    if (!council) return notFoundPage(url.pathname);
    const [stored, table, types, imports] = await Promise.all([
      store.contracts.contracts({ councilCode: code }),
      standings(),
      systemTypes(),
      store.contracts.imports(code, 5),
    ]);
    const contracts = stored.map((c) => contractView(c, table, types));
    // Each product the council buys, once, with the clauses its latest run did not meet.
    const productIds = [
      ...new Set(contracts.map((c) => c.productId).filter((id): id is string => id !== null)),
    ];
    const products = await Promise.all(
      productIds.map(async (productId) => {
        const row = table.get(productId);
        const detail = row ? await store.report(row.reportId) : undefined;
        return {
          productId,
          productName: contracts.find((c) => c.productId === productId)?.productName,
          supplierName: row?.supplierName,
          systemTypeName: row ? systemTypeName(types, row.systemType) : undefined,
          standing: standingOf(row),
          notMet: (detail?.clauses ?? []).filter(
            (clause) => clause.status !== 'pass' && clause.status !== 'attested',
          ),
        };
      }),
    );
    const renewals = [...new Set(contracts.map((c) => c.systemType).filter((t): t is string => t !== null))]
      .map((id) => {
        const upcoming = contracts.filter((c) => c.systemType === id && !c.ended && c.endDate !== null);
        return {
          id,
          name: systemTypeName(types, id),
          nextEnd: upcoming[0],
          certified: certifiedOn(table, id).length,
        };
      })
      .sort((a, b) => (a.nextEnd?.endDate ?? '9999').localeCompare(b.nextEnd?.endDate ?? '9999'));
    return page('procurement-council.njk', `${council.name}: contracts and conformance`, url.pathname, {
      breadcrumbs: [
        { text: 'League table', href: '/' },
        { text: 'Procurement', href: '/procurement' },
      ],
      council,
      contracts,
      products,
      renewals,
      imports,
      toReview: contracts.filter((c) => c.needsReview).length,
    });
  }

  interface ReviewState {
    readonly errors?: readonly { text: string; href: string }[];
    readonly status?: number;
    /** What the person chose, by `council|reference`, to show again after an error. */
    readonly chosen?: ReadonlyMap<string, string>;
  }

  async function reviewPage(url: URL, state: ReviewState = {}): Promise<Reply> {
    const [councils, table, types] = await Promise.all([
      store.contracts.councils(),
      standings(),
      systemTypes(),
    ]);
    const errors = [...(state.errors ?? [])];
    let councilCode = url.searchParams.get('council') ?? '';
    if (councilCode && !councils.some((c) => c.code === councilCode)) {
      errors.push({ text: 'Choose a council whose register has been imported', href: '#council' });
      councilCode = '';
    }
    const waiting = await store.contracts.contracts({
      needsReview: true,
      councilCode: councilCode || undefined,
    });
    const pages = Math.max(1, Math.ceil(waiting.length / REVIEW_PAGE_SIZE));
    const requested = url.searchParams.get('page') ?? '1';
    let pageNumber = Number(requested);
    if (!/^\d+$/.test(requested) || pageNumber < 1 || pageNumber > pages) {
      errors.push({ text: `Page must be a whole number from 1 to ${pages}`, href: '#review' });
      pageNumber = 1;
    }
    const products = [...table.values()].sort(
      (a, b) => a.productName.localeCompare(b.productName, 'en-GB') || a.productId.localeCompare(b.productId),
    );
    const byNameKey = new Map<string, string>();
    for (const row of products) byNameKey.set(supplierNameKey(row.supplierName), row.supplierId);
    const productOption = (row: LeagueRow, note: string, selected: string | undefined) => ({
      value: `product:${row.productId}`,
      text: `${row.productName} (${row.supplierName}, ${systemTypeName(types, row.systemType)})${note}`,
      selected: selected === `product:${row.productId}`,
    });
    const rows = waiting
      .slice((pageNumber - 1) * REVIEW_PAGE_SIZE, pageNumber * REVIEW_PAGE_SIZE)
      .map((contract, index) => {
        const chosen = state.chosen?.get(`${contract.council.code}|${contract.reference}`);
        // A supplier the contract is tied to already (by number), or one whose name reads the same.
        const suggestedSupplier = contract.supplierId ?? byNameKey.get(contract.supplierNameKey);
        const suggested = products.filter((row) => row.supplierId === suggestedSupplier);
        const why = contract.supplierId ? ', the supplier’s number matches' : ', the supplier’s name matches';
        return {
          index,
          contract: contractView(contract, table, types),
          suggestion: suggested[0] ? { supplierName: suggested[0].supplierName } : undefined,
          items: [
            { value: '', text: 'Not decided yet', selected: !chosen },
            ...suggested.map((row) => productOption(row, `: suggested${why}`, chosen)),
            ...products
              .filter((row) => !suggested.includes(row))
              .map((row) => productOption(row, '', chosen)),
            ...types.map((type) => ({
              value: `system:${type.id}`,
              text: `A ${type.name.charAt(0).toLowerCase()}${type.name.slice(1)} system from a supplier not listed here`,
              selected: chosen === `system:${type.id}`,
            })),
            {
              value: 'not-covered',
              text: 'Not a system Council Conform covers',
              selected: chosen === 'not-covered',
            },
          ],
        };
      });
    const saved = Number(url.searchParams.get('saved') ?? '0');
    const query = (target: number) => {
      const params = new URLSearchParams();
      if (councilCode) params.set('council', councilCode);
      if (target > 1) params.set('page', String(target));
      const text = params.toString();
      return `/procurement/review${text ? `?${text}` : ''}`;
    };
    return page(
      'procurement-review.njk',
      'Contracts to review',
      url.pathname,
      {
        breadcrumbs: [
          { text: 'League table', href: '/' },
          { text: 'Procurement', href: '/procurement' },
        ],
        errors,
        saved: Number.isInteger(saved) && saved > 0 ? saved : undefined,
        councilItems: [
          { value: '', text: 'All councils', selected: !councilCode },
          ...councils.map((c) => ({ value: c.code, text: c.name, selected: c.code === councilCode })),
        ],
        councilCode,
        rows,
        total: waiting.length,
        pagination: {
          page: pageNumber,
          pages,
          previous: pageNumber > 1 ? query(pageNumber - 1) : undefined,
          next: pageNumber < pages ? query(pageNumber + 1) : undefined,
        },
        formAction: `/procurement/review${councilCode ? `?council=${councilCode}` : ''}`,
      },
      state.status ?? (errors.length > 0 ? 400 : 200),
    );
  }

  const DECISION_VALUE =
    /^(product:(?<product>[a-z0-9-]{1,80})|system:(?<system>[a-z0-9_-]{1,80})|not-covered)$/;

  /**
   * The review form: a certifier token in the form itself, since a browser cannot send a bearer header. A
   * forger cannot post it for someone, as it would need the token; there is no cookie to ride on.
   */
  async function postReview(request: IncomingMessage, url: URL): Promise<Reply> {
    const type = request.headers['content-type'] ?? '';
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type))
      return problem(
        415,
        PROBLEM.unsupportedMediaType,
        'send the review form as a browser does',
        url.pathname,
      );
    let body: Buffer;
    try {
      body = await readBody(request, deps.maxFormBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return problem(413, PROBLEM.tooLarge, error.message, url.pathname, {}, { connection: 'close' });
      throw error;
    }
    const form = new URLSearchParams(body.toString('utf8'));
    const token = await deps.knownToken(form.get('token') ?? '');
    const rate = deps.rateLimit(
      token ? `credential:${token.credentialId}` : `address:${request.socket.remoteAddress ?? ''}`,
    );
    const decisions: { councilCode: string; reference: string; value: string; index: number }[] = [];
    const chosen = new Map<string, string>();
    for (let index = 0; index < REVIEW_PAGE_SIZE; index++) {
      const value = form.get(`decision-${index}`) ?? '';
      const councilCode = form.get(`council-${index}`) ?? '';
      const reference = form.get(`reference-${index}`) ?? '';
      if (councilCode && reference) chosen.set(`${councilCode}|${reference}`, value);
      if (value) decisions.push({ councilCode, reference, value, index });
    }
    const again = (status: number, errors: { text: string; href: string }[]) =>
      reviewPage(url, { status, errors, chosen });
    if (!rate.allowed)
      return again(429, [
        { text: `Too many attempts: try again in ${rate.retryAfterSeconds} seconds`, href: '#token' },
      ]);
    if (!token) return again(401, [{ text: 'Enter the certifier token LOTI gave you', href: '#token' }]);
    if (!permits(token, 'link-contract').allowed)
      return again(403, [
        {
          text: `Only a certifier or administrator may link contracts: this token is ${token.principal.name}’s`,
          href: '#token',
        },
      ]);
    if (decisions.length === 0)
      return again(400, [{ text: 'Choose what at least one contract is for', href: '#decision-0' }]);
    const errors: { text: string; href: string }[] = [];
    let saved = 0;
    for (const { councilCode, reference, value, index } of decisions) {
      const match = DECISION_VALUE.exec(value);
      if (!match || !GSS_CODE_PATTERN.test(councilCode)) {
        errors.push({
          text: `Choose one of the options for contract ${reference}`,
          href: `#decision-${index}`,
        });
        continue;
      }
      const product = match.groups?.product;
      const system = match.groups?.system;
      const decision: LinkDecision = product ? 'product' : system ? 'system-type' : 'not-covered';
      const linked = await linkContract(
        store,
        { councilCode, reference, decision, productId: product, systemType: system },
        now(),
      );
      if (linked.ok) saved += 1;
      else errors.push({ text: `Contract ${reference}: ${linked.message}`, href: `#decision-${index}` });
    }
    if (errors.length > 0) return again(422, errors);
    const params = new URLSearchParams({ saved: String(saved) });
    const council = url.searchParams.get('council');
    if (council && GSS_CODE_PATTERN.test(council)) params.set('council', council);
    return { status: 303, headers: { location: `/procurement/review?${params}` }, body: '' };
  }

  // ---- open data ----

  async function openData(url: URL, format: 'csv' | 'json'): Promise<Reply> {
    const [councils, types] = await Promise.all([store.contracts.councils(), systemTypes()]);
    const council = url.searchParams.get('council') || undefined;
    const system = url.searchParams.get('system') || undefined;
    const errors: string[] = [];
    if (council && !councils.some((c) => c.code === council))
      errors.push(
        `council: no register of ${council} is imported; imported: ${councils.map((c) => c.code).join(', ') || 'none'}`,
      );
    if (system && !types.some((t) => t.id === system))
      errors.push(`system: must be one of: ${types.map((t) => t.id).join(', ')}`);
    if (errors.length > 0) return problem(400, PROBLEM.validation, errors.join('; '), url.pathname, {}, OPEN);
    const [contracts, table] = await Promise.all([
      store.contracts.contracts({ councilCode: council, systemType: system }),
      standings(),
    ]);
    return openDataReply(
      'contracts',
      format,
      format === 'csv' ? contractsCsv(contracts, table) : contractsJson(contracts, table, now()),
    );
  }

  return {
    /** A procurement page or the contracts open data; undefined for a path that is neither. */
    async route(request: IncomingMessage, url: URL): Promise<Reply | undefined> {
      const path = url.pathname;
      if (path === '/data/contracts.csv' || path === '/data/contracts.json') {
        if (request.method !== 'GET' && request.method !== 'HEAD')
          return problem(
            405,
            PROBLEM.methodNotAllowed,
            `${path} takes GET`,
            path,
            {},
            { allow: 'GET, HEAD' },
          );
        return openData(url, path.endsWith('.csv') ? 'csv' : 'json');
      }
      if (path !== '/procurement' && !path.startsWith('/procurement/')) return undefined;
      if (path === '/procurement/review' && request.method === 'POST') return postReview(request, url);
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return problem(
          405,
          PROBLEM.methodNotAllowed,
          `${path} takes GET`,
          path,
          {},
          { allow: path === '/procurement/review' ? 'GET, HEAD, POST' : 'GET, HEAD' },
        );
      if (path === '/procurement') return overview(url);
      if (path === '/procurement/review') return reviewPage(url);
      let match = /^\/procurement\/timelines\/([^/]+)$/.exec(path);
      if (match && ID_PATTERN.test(match[1] as string)) return timelinePage(url, match[1] as string);
      match = /^\/procurement\/councils\/([^/]+)$/.exec(path);
      if (match && GSS_CODE_PATTERN.test(match[1] as string)) return councilPage(url, match[1] as string);
      return notFoundPage(path);
    },

    handlesApi: (path: string) => CONTRACTS_API_PATHS.includes(path),
    api: api.answer,

    /** For the product page: the councils holding contracts for the product, soonest ending first. */
    async forProduct(productId: string, systemType: string) {
      const [contracts, types] = await Promise.all([store.contracts.contracts({ productId }), systemTypes()]);
      return {
        contracts: contracts.map((c) => contractView(c, new Map(), types)),
        timelineHref: `/procurement/timelines/${systemType}`,
        systemTypeName: systemTypeName(types, systemType),
      };
    },

    /** For the supplier page: every contract tied to the supplier, with the product's standing where known. */
    async forSupplier(supplierId: string) {
      const [contracts, table, types, companyNumbers] = await Promise.all([
        store.contracts.contracts({ supplierId }),
        standings(),
        systemTypes(),
        store.contracts.companyNumbers(supplierId),
      ]);
      return { contracts: contracts.map((c) => contractView(c, table, types)), companyNumbers };
    },
  };
}

export type Procurement = ReturnType<typeof createProcurement>;
