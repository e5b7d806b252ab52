import { randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import {
  CertificateError,
  canonicalJson,
  isDueForRecertification,
  keyIdOf,
  parseStrictJson,
  RECERTIFY_WITHIN_DAYS,
  type TrustedKey,
  type ValidSignature,
  verifySignedReport,
} from '@council-conform/certificates';
import { CHECKS } from '@council-conform/checks';
import { CLAUSES, type ClauseId, getClause, isClauseId } from '@council-conform/clauses';
import { LEVEL_RULES } from '@council-conform/runner';
import { listenHttp } from '@council-conform/service';
import { permits } from './access.ts';
import { createAdminApi, forbidden, keyView, revokedKeysOpenData } from './admin-api.ts';
import { listAssets } from './assets.ts';
import { badgeSvg } from './badge.ts';
import { clientAddressKey } from './client-address.ts';
import { ConfigurationError } from './config.ts';
import {
  checkWeight,
  clip,
  paginateEvidence,
  paginationLinks,
  requestedPage,
  SHOWN_REGRESSION_CHARS,
  showCheck,
  showClause,
} from './evidence-pages.ts';
import {
  BodyTooLargeError,
  isShortText,
  json,
  PROBLEM,
  problem,
  type Reply,
  readBody,
  send,
} from './http.ts';
import { ID_PATTERN, REPORT_ID_PATTERN, supplierIdOf } from './ids.ts';
import { ingestRefusal } from './ingest-rules.ts';
import { leagueChart } from './league-chart.ts';
import { leagueSearch, parseLeagueQuery } from './league-query.ts';
import { levelGap, levelGapText, statusesByProduct } from './level-gap.ts';
import { leagueTableCsv, leagueTableJson, OPEN, openDataReply } from './open-data.ts';
import { createPageCache, DEFAULT_PAGE_CACHE, type PageCacheOptions } from './page-cache.ts';
import {
  type Actor,
  MIN_SEED_TOKEN_LENGTH,
  type PrincipalKind,
  PrincipalsStoreError,
} from './principals-store.ts';
import { createProcurement } from './procurement.ts';
import { dataQualityView, historyCharts, statisticsSince, statisticsView } from './product-insights.ts';
import { productSummary } from './product-summary.ts';
import { createRateLimiter, type RateLimit } from './rate-limit.ts';
import { describeExcess, type LimitExcess, reportLimitExcesses } from './report-limits.ts';
import { reportShapeProblems } from './report-shape.ts';
import { createReviewPage } from './review-page.ts';
import { STATISTICS_WINDOWS, serviceStatistics } from './service-statistics.ts';
import { serviceStatisticsCsv, serviceStatisticsJson } from './statistics-open-data.ts';
import {
  CLAUSE_COUNT,
  type Dispute,
  type LeagueRow,
  type ListingStatus,
  NATURAL_ORDER,
  type RegisteredKey,
  type ReportSummary,
  type ResultsStore,
  ResultsStoreError,
  SORT_KEYS,
  type SortKey,
} from './store.ts';
import { systemTypes as profileSystemTypes, type SystemType, systemTypeName } from './system-types.ts';
import { createViews, govukDate, LEVEL_LABELS, STATUS_LABELS } from './views.ts';

export interface DashboardOptions {
  readonly store: ResultsStore;
  /**
   * Keys trusted whatever the store holds: LOTI's certifier keys (CONFORM_CERTIFIER_KEYS). Supplier keys are
   * normally registered through the API instead, but may be given here too.
   */
  readonly trustedKeys: readonly TrustedKey[];
  /**
   * Seeds the first administrator (CONFORM_DASHBOARD_ADMIN_TOKEN) when the store has none: every other
   * principal and credential is then issued through the API (`conform dashboard`). Ignored once an
   * administrator exists, so a token taken out of the environment after rotation stays dead.
   */
  readonly administratorToken?: string;
  /**
   * Principals with the credentials they sign in with, created unless their token is known already: for the
   * demo and tests, which need accounts without an administrator's round trips.
   */
  readonly seedPrincipals?: readonly SeedPrincipal[];
  /** The clock expiry is judged by. Default: the system clock. */
  readonly now?: () => Date;
  /** Write requests per client. Default 60 a minute. */
  readonly rateLimit?: RateLimit;
  /** Largest signed report accepted. Default 20 MB. */
  readonly maxReportBytes?: number;
  /** Pages (and open data, signed reports, badges) one client address may ask for. Default 300 a minute. */
  readonly pageRateLimit?: RateLimit;
  /** Rendered pages kept briefly by URL, dropped on every write; false: none. Default DEFAULT_PAGE_CACHE. */
  readonly pageCache?: PageCacheOptions | false;
  /**
   * Where the public reaches the dashboard (https://conform.loti.example), for the badge snippet suppliers
   * copy onto their own sites. Default: the Host the request named, over http.
   */
  readonly publicUrl?: string;
}

export interface DashboardServer {
  readonly store: ResultsStore;
  /** The whole dashboard over node:http, for `http.createServer` and supertest. Never throws. */
  readonly listener: RequestListener;
  /**
   * Says that something a page shows was written other than through this listener (whose writes say so
   * themselves), so that no cached page older than the write is served.
   */
  dataChanged(): void;
}

/** Page renders one address may ask for, unless DashboardOptions.pageRateLimit says otherwise. */
export const DEFAULT_PAGE_RATE_LIMIT: RateLimit = { limit: 300, windowMs: 60_000 };

export const DEFAULT_MAX_REPORT_BYTES = 20 * 1024 * 1024;
const MAX_FORM_BYTES = 64 * 1024;
const MAX_TEXT = 2000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A principal to create at start-up, with its credential's token. */
export interface SeedPrincipal {
  readonly kind: PrincipalKind;
  /** For a supplier, exactly the name its certificates carry. */
  readonly name: string;
  readonly councilCode?: string;
  readonly token: string;
}

/** Creates the seeded principals and the first administrator; nothing already there is touched. */
async function seedPrincipals(store: ResultsStore, options: DashboardOptions, at: Date): Promise<void> {
  const seeds: SeedPrincipal[] = [...(options.seedPrincipals ?? [])];
  if (options.administratorToken !== undefined) {
    if (options.administratorToken.length < MIN_SEED_TOKEN_LENGTH || /\s/.test(options.administratorToken))
      throw new ConfigurationError(
        `the administrator token must be at least ${MIN_SEED_TOKEN_LENGTH} characters with no spaces (make one with \`openssl rand -hex 32\`)`,
      );
    if ((await store.principals.count('administrator')) === 0)
      seeds.unshift({ kind: 'administrator', name: 'LOTI administrator', token: options.administratorToken });
  }
  for (const [index, seed] of seeds.entries()) {
    if (typeof seed.token !== 'string' || seed.token.length < MIN_SEED_TOKEN_LENGTH)
      throw new ConfigurationError(
        `seeded principal ${index + 1} (${seed.name}): its token must be at least ${MIN_SEED_TOKEN_LENGTH} characters`,
      );
    if (await store.principals.knowsToken(seed.token)) continue;
    const existing = (await store.principals.list()).find(
      (p) =>
        p.kind === seed.kind &&
        (seed.kind === 'supplier'
          ? p.supplierId === supplierIdOf(seed.name.trim())
          : seed.kind === 'council'
            ? p.councilCode === seed.councilCode
            : p.name === seed.name.trim()),
    );
    try {
      const principal =
        existing ??
        (await store.principals.create({
          kind: seed.kind,
          name: seed.name,
          councilCode: seed.councilCode,
          createdAt: at,
        }));
      await store.principals.issue({
        principalId: principal.id,
        label: 'seeded at start-up',
        issuedAt: at,
        token: seed.token,
      });
    } catch (error) {
      if (error instanceof PrincipalsStoreError)
        throw new ConfigurationError(`seeded principal ${index + 1} (${seed.name}): ${error.message}`);
      throw error;
    }
  }
}

const NAVIGATION = [
  { href: '/', text: 'League table' },
  { href: '/clauses', text: 'The 14 clauses' },
  { href: '/councils', text: 'For councils' },
  { href: '/procurement', text: 'Procurement' },
];

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'key';

function levelMeanings(): { label: string; meaning: string }[] {
  // Quoted and joined with semicolons, since clause titles have commas of their own ("Open, documented API").
  const titles = (ids: readonly string[]) =>
    ids.map((id) => `“${isClauseId(id) ? getClause(id).title : id}”`).join('; ');
  return LEVEL_RULES.map((rule, index) => {
    const below = LEVEL_RULES[index - 1];
    const start = below ? `everything for ${LEVEL_LABELS[below.level]}, and ` : '';
    const attested = rule.attestedAll ? ', with every clause that needs the supplier’s word attested' : '';
    return {
      label: LEVEL_LABELS[rule.level],
      meaning: `${start}${titles(rule.clauses)} passed by test${attested}`,
    };
  });
}

/**
 * The dashboard: ingest of signed reports (verified against LOTI's certifier keys and the suppliers' registered
 * keys), disputes, the public pages and the open data. Registers the configured certifier keys in the store so
 * that pages can show them.
 */
export async function createDashboardServer(options: DashboardOptions): Promise<DashboardServer> {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const maxReportBytes = options.maxReportBytes ?? DEFAULT_MAX_REPORT_BYTES;
  const limiter = createRateLimiter(options.rateLimit ?? { limit: 60, windowMs: 60_000 });
  const pageLimiter = createRateLimiter(options.pageRateLimit ?? DEFAULT_PAGE_RATE_LIMIT);
  const pageCache =
    options.pageCache === false
      ? undefined
      : createPageCache(options.pageCache ?? DEFAULT_PAGE_CACHE, () => now().getTime());
  const dataChanged = () => pageCache?.dataChanged();
  const views = createViews();
  const assets = listAssets();

  await seedPrincipals(store, options, now());

  const configured = options.trustedKeys.map((key, index) => {
    try {
      return { ...key, keyId: keyIdOf(key.publicKeyPem) };
    } catch (error) {
      throw new ConfigurationError(`trusted key ${index + 1}: ${(error as Error).message}`);
    }
  });
  const configuredIds = new Set(configured.map((key) => key.keyId));
  for (const key of configured) {
    const { key: stored } = await store.registerKey({
      keyId: key.keyId,
      publicKeyPem: key.publicKeyPem,
      role: key.role,
      owner: key.name ?? key.keyId,
      registeredAt: now(),
    });
    if (stored.role !== key.role)
      console.warn(
        `dashboard: ${key.keyId} is configured as a ${key.role} key but was registered as a ${stored.role} key; the configuration decides`,
      );
  }

  /**
   * Configuration first; a registered key the configuration also names is not listed twice. A pending
   * supplier key is trusted to verify (a report it signed is stored and held until the key is approved); a
   * rejected or revoked key is not trusted at all.
   */
  function trustList(register: readonly RegisteredKey[]): TrustedKey[] {
    const registered = register.filter(
      (key) =>
        key.role === 'supplier' &&
        !configuredIds.has(key.keyId) &&
        key.state !== 'rejected' &&
        key.revokedAt === null,
    );
    return [
      ...configured.map(({ publicKeyPem, role, name }) => ({
        publicKeyPem,
        role,
        ...(name ? { name } : {}),
      })),
      ...registered.map((key) => ({ publicKeyPem: key.publicKeyPem, role: key.role, name: key.owner })),
    ];
  }

  async function authenticate(request: IncomingMessage): Promise<Actor | undefined> {
    const match = /^Bearer ([^\s]+)$/i.exec(request.headers.authorization ?? '');
    if (!match) return undefined;
    return knownToken(match[1] as string);
  }

  /** The actor a credential names, if it is live: for a bearer header, or a token typed into a form. */
  async function knownToken(value: string): Promise<Actor | undefined> {
    if (value === '' || value.length > 512) return undefined;
    return store.principals.authenticate(value);
  }

  // ---- pages ----

  function page(
    template: string,
    title: string,
    path: string,
    context: Record<string, unknown>,
    status = 200,
  ): Reply {
    const nonce = randomBytes(16).toString('base64');
    const navigation = NAVIGATION.map((item) => ({
      ...item,
      active: item.href === '/' ? path === '/' : path.startsWith(item.href),
    }));
    const body = views.render(template, {
      ...context,
      title,
      navigation,
      cspNonce: nonce,
      clauseCount: CLAUSE_COUNT,
    });
    return {
      status,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': `default-src 'self'; script-src 'self' 'nonce-${nonce}'; style-src 'self'; img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
        'cache-control': 'no-cache',
      },
      body,
    };
  }

  const notFoundPage = (path: string) =>
    page(
      'error.njk',
      'Page not found',
      path,
      {
        paragraphs: [
          'If you typed the web address, check it is correct.',
          'If you pasted the web address, check you copied the entire address.',
          'A product or supplier that has never published a report has no page.',
        ],
      },
      404,
    );

  const procurement = createProcurement({
    store,
    now,
    page,
    notFoundPage,
    knownToken,
    rateLimit: limiter,
    readJsonBody,
    maxFormBytes: MAX_FORM_BYTES,
  });
  const reviewPage = createReviewPage({
    store,
    now,
    page,
    knownToken,
    rateLimit: limiter,
    maxFormBytes: MAX_FORM_BYTES,
  });

  const listingStatus = (row: { status: LeagueRow['status']; expiresAt: string }): ListingStatus =>
    Date.parse(row.expiresAt) < now().getTime() ? 'expired' : row.status;

  async function leaguePage(url: URL): Promise<Reply> {
    const [systemTypes, suppliers, profiles] = await Promise.all([
      store.systemTypes(),
      store.suppliers(),
      profileSystemTypes(),
    ]);
    const parsed = parseLeagueQuery(url.searchParams, {
      systemTypes,
      supplierIds: suppliers.map((s) => s.id),
    });
    const rows = await store.leagueTable({
      ...parsed.filter,
      sort: parsed.sort,
      order: parsed.order,
      now: now(),
    });
    const errorOf = (param: string) => parsed.errors.find((e) => e.param === param)?.message;
    const options = (
      selected: string | undefined,
      values: { value: string; text: string }[],
      all: string,
    ) => [
      { value: '', text: all, selected: !selected },
      ...values.map((item) => ({ ...item, selected: item.value === selected })),
    ];
    const filters = [
      {
        name: 'system',
        label: 'System type',
        items: options(
          parsed.filter.systemType,
          systemTypes.map((value) => ({ value, text: systemTypeName(profiles, value) })),
          'All system types',
        ),
        error: errorOf('system'),
      },
      {
        name: 'supplier',
        label: 'Supplier',
        items: options(
          parsed.filter.supplierId,
          suppliers.map((s) => ({ value: s.id, text: s.name })),
          'All suppliers',
        ),
        error: errorOf('supplier'),
      },
      {
        name: 'level',
        label: 'Level',
        items: options(
          parsed.filter.level,
          Object.entries(LEVEL_LABELS).map(([value, text]) => ({ value, text })),
          'All levels',
        ),
        error: errorOf('level'),
      },
      {
        name: 'status',
        label: 'Certificate',
        items: options(
          parsed.filter.status,
          Object.entries(STATUS_LABELS).map(([value, text]) => ({ value, text })),
          'Any certificate',
        ),
        error: errorOf('status'),
      },
    ];
    const labels: Record<SortKey, string> = {
      rank: 'Position',
      product: 'Product',
      supplier: 'Supplier',
      system: 'System type',
      level: 'Level',
      clauses: 'Clauses passed',
      status: 'Certificate',
      run: 'Last run',
    };
    const columns = SORT_KEYS.map((key) => {
      const active = key === parsed.sort;
      const flipped = parsed.order === 'asc' ? 'desc' : 'asc';
      const order = active ? flipped : NATURAL_ORDER[key];
      return {
        key,
        label: labels[key],
        numeric: key === 'rank' || key === 'clauses',
        href: `/${leagueSearch(parsed.filter, key, order)}`,
        ariaSort: active ? (parsed.order === 'asc' ? 'ascending' : 'descending') : 'none',
        sortHint: `sort ${order === 'asc' ? 'ascending' : 'descending'}`,
      };
    });
    const search = leagueSearch(parsed.filter, parsed.sort, parsed.order);
    return page(
      'league.njk',
      'League table',
      url.pathname,
      {
        // Each message links to what it is about: a filter's field, or the table a sort applies to.
        errors: parsed.errors.map((e) => ({
          text: e.message,
          href: e.param === 'sort' || e.param === 'order' ? '#league-table' : `#${e.param}`,
        })),
        filters,
        sort: { key: parsed.sort, order: parsed.order },
        columns,
        rows: await leagueRowsView(rows, profiles),
        chart: rows.length ? leagueChart(rows, CLAUSE_COUNT) : undefined,
        levels: levelMeanings(),
        filtered: Object.values(parsed.filter).some(Boolean),
        downloads: { csv: `/data/league-table.csv${search}`, json: `/data/league-table.json${search}` },
      },
      parsed.errors.length > 0 ? 400 : 200,
    );
  }

  /** Each row with its system type's name and, below gold, what keeps it from the next level. */
  async function leagueRowsView(rows: readonly LeagueRow[], profiles: readonly SystemType[]) {
    // One query per clause, whatever the number of rows.
    const clauseIds = CLAUSES.map((clause) => clause.id);
    const statuses = statusesByProduct(
      rows.length ? await Promise.all(clauseIds.map((id) => store.clauseStandings(id, now()))) : [],
      clauseIds,
    );
    return rows.map((row) => {
      const gap = levelGap(row.level, statuses.get(row.productId) ?? new Map());
      return {
        ...row,
        listingStatus: listingStatus(row),
        systemTypeName: systemTypeName(profiles, row.systemType),
        levelGap: gap && levelGapText(gap),
      };
    });
  }

  function dueFor(summary: ReportSummary, latestSpecVersion: string | undefined): string | undefined {
    const at = now();
    if (Date.parse(summary.expiresAt) - at.getTime() <= RECERTIFY_WITHIN_DAYS * DAY_MS)
      return `it expires on ${govukDate(summary.expiresAt)}.`;
    try {
      if (latestSpecVersion && isDueForRecertification(summary, latestSpecVersion, at))
        return `version ${latestSpecVersion} of the ${summary.profile} reference spec is a major release since this run (${summary.specVersion}).`;
    } catch {
      // A version that is not semantic cannot be compared; expiry alone decides then.
    }
    return undefined;
  }

  /** Only a host name and port reach a snippet: a Host header is the client's to choose. */
  function originOf(request: IncomingMessage): string {
    if (options.publicUrl) return options.publicUrl.replace(/\/+$/, '');
    const host = request.headers.host ?? '';
    return `http://${/^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9a-fA-F:.]+\](:\d+)?$/.test(host) ? host : 'localhost'}`;
  }

  async function productPage(url: URL, id: string, origin: string): Promise<Reply> {
    const product = await store.product(id);
    if (!product || product.reports.length === 0) return notFoundPage(url.pathname);
    const requested = url.searchParams.get('report');
    const summary = requested ? product.reports.find((r) => r.id === requested) : product.reports[0];
    if (!summary) return notFoundPage(url.pathname);
    const [detail, latestSpecVersion, disputes, regressions] = await Promise.all([
      store.report(summary.id),
      store.latestSpecVersion(product.systemType),
      store.disputesForProduct(product.id),
      store.regressions(summary.id),
    ]);
    if (!detail) return notFoundPage(url.pathname);
    const measuredAt = now();
    const shownMeasures = await store.measures.forReport(summary.id);
    const recentRuns = await store.measures.forProduct(product.id, statisticsSince(measuredAt));
    const at = now().getTime();
    const lapsed = (d: Dispute) => d.waiverExpiresAt !== null && Date.parse(d.waiverExpiresAt) < at;
    const waivers = disputes.filter((d) => d.state === 'accepted').map((d) => ({ ...d, lapsed: lapsed(d) }));
    const activeWaivers = new Map(
      waivers.filter((w) => w.reportId === summary.id && !w.lapsed).map((w) => [w.checkId, w]),
    );
    const withWaiver = (check: (typeof detail.checks)[number]) => ({
      ...showCheck(check),
      waiver: activeWaivers.get(check.checkId),
      violationCount: check.violations.reduce((sum, v) => sum + (Number(v.count) || 0), 0),
    });
    const checkGroups = detail.clauses.map((clause) => ({
      ...clause,
      checks: detail.checks.filter((check) => check.clause === clause.clause).map(withWaiver),
    }));
    // "Every check" means every one: a check naming a clause the report does not judge still gets shown.
    const judged = new Set(detail.clauses.map((clause) => clause.clause));
    const orphans = detail.checks.filter((check) => !judged.has(check.clause));
    if (orphans.length > 0)
      checkGroups.push({
        clause: 'other',
        number: detail.clauses.length + 1,
        title: 'Checks of no clause in this report',
        assessment: 'automated',
        status: 'not-assessed',
        automatedStatus: null,
        attestedStatement: null,
        attestedEvidence: [],
        checks: orphans.map(withWaiver),
      });
    // However many checks and violations the report holds, one page shows a bounded share of them.
    const evidence = paginateEvidence(checkGroups.map(showClause), checkWeight);
    const evidencePage = requestedPage(url.searchParams.get('page'), evidence.pages.length);
    if (evidencePage === undefined) return notFoundPage(url.pathname);
    const evidenceHref = (n: number) =>
      `/products/${product.id}?report=${summary.id}${n > 1 ? `&page=${n}` : ''}`;
    const taken = new Set<string>();
    const signatures = detail.signatures.map((s) => {
      let base = slug(s.signerName ?? s.keyId.replace('ed25519:', ''));
      // Two keys of one owner must not be saved over each other.
      if (taken.has(base)) base = `${base}-${s.keyId.replace('ed25519:', '').slice(0, 8)}`;
      taken.add(base);
      return { ...s, fileName: `${base}.pub` };
    });
    const fileName = `council-conform-${summary.id.slice(0, 12)}.signed.json`;
    const keyFlags = signatures
      .map((s) => `${s.role === 'certifier' ? '--certifier-key' : '--public-key'} ${s.fileName}`)
      .join(' ');
    const listing = listingStatus(summary);
    const dueReason = dueFor(summary, latestSpecVersion);
    const badgeAlt = `Council Conform: level ${summary.level}, ${listing}`;
    const pageOf = evidence.pages.length > 1 ? ` (page ${evidencePage} of ${evidence.pages.length})` : '';
    const typeNames = await profileSystemTypes();
    return page('product.njk', `${product.name}${pageOf}`, url.pathname, {
      breadcrumbs: [
        { text: 'League table', href: '/' },
        { text: product.supplierName, href: `/suppliers/${product.supplierId}` },
      ],
      product,
      systemTypeName: systemTypeName(typeNames, product.systemType),
      report: {
        ...summary,
        listingStatus: listing,
        due: dueReason !== undefined,
        dueReason,
      },
      viewingLatest: summary.id === product.reports[0]?.id,
      latestRunDate: product.reports[0]?.runFinishedAt,
      regressions: regressions.map((r) => ({
        ...r,
        detail: clip(r.detail, SHOWN_REGRESSION_CHARS),
        previousRunDate: product.reports.find((p) => p.id === r.previousReportId)?.runFinishedAt,
      })),
      signedBy: signatures
        .map((s) => `${s.signerName ?? s.keyId} (${s.role === 'certifier' ? 'certifier' : 'supplier'})`)
        .join(', '),
      waivers,
      otherDisputes: disputes.filter((d) => d.state !== 'accepted'),
      clauses: detail.clauses.map((clause) => {
        const on = evidence.pageOfClause.get(clause.clause);
        return {
          ...showClause(clause),
          checkCount: checkGroups.find((group) => group.clause === clause.clause)?.checks.length ?? 0,
          href: `${on === undefined || on === evidencePage ? '' : evidenceHref(on)}#checks-${clause.clause}`,
        };
      }),
      checkGroups: evidence.pages[evidencePage - 1] ?? [],
      checkCount: detail.checks.length,
      evidencePagination: paginationLinks(
        evidencePage,
        evidence.pages.length,
        (n) => `${evidenceHref(n)}#checks`,
      ),
      history: product.reports.map((r) => ({ ...r, listingStatus: listingStatus(r) })),
      signatures,
      verify: {
        download: `/reports/${summary.id}.json`,
        fileName,
        command: `pnpm conform verify ${fileName} ${keyFlags}`,
      },
      badge: {
        src: `/badges/${product.id}.svg`,
        alt: badgeAlt,
        html: `<a href="${origin}/products/${product.id}"><img src="${origin}/badges/${product.id}.svg" alt="${badgeAlt}"></a>`,
      },
      councilContracts: await procurement.forProduct(product.id, product.systemType),
      why: productSummary(summary.level, detail.clauses, detail.checks, shownMeasures?.rerunCommands ?? {}),
      historyCharts: historyCharts(product.reports),
      statistics: statisticsView(recentRuns, measuredAt),
      dataQuality: dataQualityView(shownMeasures),
      // Evidence is folded away, except when the reader asked for a later page of it.
      evidenceOpen: evidencePage > 1,
    });
  }

  /** Every listed product's service statistics, or one product's (`?product=<id>`), as open data. */
  async function statisticsOpenData(url: URL, format: 'csv' | 'json'): Promise<Reply> {
    const productId = url.searchParams.get('product');
    if (productId !== null && !ID_PATTERN.test(productId))
      return problem(
        400,
        PROBLEM.validation,
        'product: give a product id as the product page has it (/products/<id>)',
        url.pathname,
        { errors: [{ pointer: '/query/product', detail: 'not a product id' }] },
        OPEN,
      );
    const at = now();
    const rows = await store.leagueTable({ now: at, ...(productId ? { productId } : {}) });
    const products = [];
    for (const row of rows) {
      const runs = await store.measures.forProduct(row.productId, statisticsSince(at));
      products.push({ row, windows: STATISTICS_WINDOWS.map((days) => serviceStatistics(runs, at, days)) });
    }
    return openDataReply(
      'service-statistics',
      format,
      format === 'csv' ? serviceStatisticsCsv(products) : serviceStatisticsJson(products, at),
    );
  }

  async function supplierPage(url: URL, id: string): Promise<Reply> {
    const supplier = await store.supplier(id);
    if (!supplier) return notFoundPage(url.pathname);
    const [rows, keys, typeNames] = await Promise.all([
      store.leagueTable({ supplierId: id, now: now() }),
      store.keys('supplier'),
      profileSystemTypes(),
    ]);
    return page('supplier.njk', supplier.name, url.pathname, {
      breadcrumbs: [{ text: 'League table', href: '/' }],
      supplier,
      products: rows.map((row) => ({
        ...row,
        listingStatus: listingStatus(row),
        systemTypeName: systemTypeName(typeNames, row.systemType),
      })),
      keys: keys.filter((key) => key.owner === supplier.name),
      supplierContracts: await procurement.forSupplier(id),
    });
  }

  function clausesPage(url: URL): Reply {
    return page('clauses.njk', 'The 14 clauses', url.pathname, {
      breadcrumbs: [{ text: 'League table', href: '/' }],
      clauses: CLAUSES.map((clause) => ({
        ...clause,
        checkCount: CHECKS.filter((check) => check.clause === clause.id).length,
      })),
    });
  }

  /** A clause's standings with each product's system type by name. */
  async function clauseStandingsView(id: ClauseId) {
    const [standings, typeNames] = await Promise.all([
      store.clauseStandings(id, now()),
      profileSystemTypes(),
    ]);
    return standings.map((row) => ({ ...row, systemTypeName: systemTypeName(typeNames, row.systemType) }));
  }

  async function clausePage(url: URL, id: string): Promise<Reply> {
    if (!isClauseId(id)) return notFoundPage(url.pathname);
    const clause = getClause(id);
    return page('clause.njk', `Clause ${clause.number}: ${clause.title}`, url.pathname, {
      breadcrumbs: [
        { text: 'League table', href: '/' },
        { text: 'The 14 clauses', href: '/clauses' },
      ],
      clause,
      checks: CHECKS.filter((check) => check.clause === id).map(({ id, title, severity, description }) => ({
        id,
        title,
        severity,
        description,
      })),
      standings: await clauseStandingsView(id),
    });
  }

  async function councilsPage(url: URL): Promise<Reply> {
    const certifierKeys = configured.filter((key) => key.role === 'certifier');
    return page('councils.njk', 'For councils', url.pathname, {
      breadcrumbs: [{ text: 'League table', href: '/' }],
      levels: levelMeanings(),
      profiles: await store.systemTypes(),
      certifierKeys: certifierKeys.map((key) => ({
        name: key.name ?? key.keyId,
        keyId: key.keyId,
        publicKeyPem: key.publicKeyPem,
      })),
      exampleKeyFile: `${slug(certifierKeys[0]?.name ?? 'certifier')}.pub`,
    });
  }

  // ---- open data ----

  async function openData(url: URL, format: 'csv' | 'json'): Promise<Reply> {
    const [systemTypes, suppliers] = await Promise.all([store.systemTypes(), store.suppliers()]);
    const parsed = parseLeagueQuery(url.searchParams, {
      systemTypes,
      supplierIds: suppliers.map((s) => s.id),
    });
    if (parsed.errors.length > 0)
      return problem(
        400,
        PROBLEM.validation,
        parsed.errors.map((e) => `${e.param}: ${e.message}`).join('; '),
        url.pathname,
        { errors: parsed.errors.map((e) => ({ pointer: `/query/${e.param}`, detail: e.message })) },
        OPEN,
      );
    const at = now();
    const rows = await store.leagueTable({
      ...parsed.filter,
      sort: parsed.sort,
      order: parsed.order,
      now: at,
    });
    return openDataReply(
      'league-table',
      format,
      format === 'csv' ? leagueTableCsv(rows) : leagueTableJson(rows, at),
    );
  }

  async function badge(id: string): Promise<Reply> {
    const [row] = ID_PATTERN.test(id) ? await store.leagueTable({ productId: id, now: now() }) : [];
    return {
      status: row ? 200 : 404,
      headers: {
        ...OPEN,
        'content-type': 'image/svg+xml; charset=utf-8',
        'cache-control': 'public, max-age=300',
      },
      body: badgeSvg(row, ID_PATTERN.test(id) ? id : 'unknown'),
    };
  }

  async function signedReport(path: string, id: string): Promise<Reply> {
    const text = await store.signedReportText(id);
    if (text === undefined)
      return problem(404, PROBLEM.notFound, `no signed report ${id} is stored`, path, {}, OPEN);
    return {
      status: 200,
      headers: {
        ...OPEN,
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="council-conform-${id.slice(0, 12)}.signed.json"`,
        // The id is the hash of the content: the same URL can never serve other bytes.
        'cache-control': 'public, max-age=31536000, immutable',
      },
      body: Buffer.from(text, 'utf8'),
    };
  }

  // ---- API ----

  const TEXT_DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  function refuse(path: string, reason: string, detail: string): Reply {
    return problem(422, PROBLEM.reportRefused, detail, path, { reason });
  }

  /** Before its signatures are checked: a report past a cap costs no more work than reading it. */
  function refuseOverLimits(path: string, excesses: readonly LimitExcess[]): Reply {
    const detail = `the report is larger than the dashboard takes: ${excesses.map(describeExcess).join('; ')}`;
    return problem(422, PROBLEM.reportRefused, detail, path, { reason: 'over-limit', limits: excesses });
  }

  async function readJsonBody(
    request: IncomingMessage,
    path: string,
    limit: number,
  ): Promise<{ ok: true; value: unknown; text: string } | { ok: false; reply: Reply }> {
    const type = request.headers['content-type'];
    if (type && !/^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type))
      return {
        ok: false,
        reply: problem(
          415,
          PROBLEM.unsupportedMediaType,
          `send JSON (Content-Type: application/json), not ${type}`,
          path,
        ),
      };
    let body: Buffer;
    try {
      body = await readBody(request, limit);
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return {
          ok: false,
          reply: problem(413, PROBLEM.tooLarge, error.message, path, {}, { connection: 'close' }),
        };
      throw error;
    }
    let text: string;
    try {
      text = TEXT_DECODER.decode(body);
    } catch {
      return { ok: false, reply: refuse(path, 'malformed', 'the body is not UTF-8 text') };
    }
    // Strictly: a duplicate member or a number no double holds exactly means two readers could take the text
    // differently, and what is stored and served must be what was verified.
    const parsed = parseStrictJson(text);
    if (!parsed.ok)
      return {
        ok: false,
        reply: refuse(
          path,
          'malformed',
          parsed.problem === 'not-json'
            ? `the body is not JSON: ${parsed.message}`
            : `the body does not say exactly one thing: ${parsed.message}`,
        ),
      };
    return { ok: true, value: parsed.value, text };
  }

  /** PostgreSQL text cannot hold U+0000, so a report carrying one could never be stored whole. */
  function holdsNul(value: unknown): boolean {
    if (typeof value === 'string') return value.includes('\u0000');
    if (Array.isArray(value)) return value.some(holdsNul);
    if (value !== null && typeof value === 'object')
      return Object.entries(value).some(([key, item]) => key.includes('\u0000') || holdsNul(item));
    return false;
  }

  /** Why a body is signed with a revoked key, or undefined. Read from the raw value, before verification. */
  function revokedSignature(value: unknown, register: readonly RegisteredKey[]): string | undefined {
    const signatures = (value as { signatures?: unknown } | null)?.signatures;
    if (!Array.isArray(signatures)) return undefined;
    const ids = new Set(
      signatures.map((s) => (s as { keyId?: unknown } | null)?.keyId).filter((id) => typeof id === 'string'),
    );
    if (ids.size === 0) return undefined;
    const revoked = register.filter((key) => key.revokedAt !== null && ids.has(key.keyId));
    const [first] = revoked;
    if (!first) return undefined;
    return `signed with ${first.keyId} (${first.owner}), revoked from ${first.revokedAt}: ${first.revokedReason ?? 'no reason given'}. Sign with a key that is not revoked`;
  }

  /**
   * The supplier's pending keys, when they are all that vouch for a report: no certifier signed and no approved
   * key of the supplier did. Such a report is stored and held until LOTI approves the key.
   */
  function pendingSupplierKeys(
    signatures: readonly ValidSignature[],
    supplier: string,
    register: readonly RegisteredKey[],
  ): string[] {
    if (signatures.some((s) => s.role === 'certifier')) return [];
    const keys = new Map(register.filter((key) => key.role === 'supplier').map((key) => [key.keyId, key]));
    const own = signatures.filter((s) => s.role === 'supplier' && s.name === supplier);
    if (own.some((s) => keys.get(s.keyId)?.state === 'approved' || configuredIds.has(s.keyId))) return [];
    return own.filter((s) => keys.get(s.keyId)?.state === 'pending').map((s) => s.keyId);
  }

  async function postReport(request: IncomingMessage, path: string, actor: Actor): Promise<Reply> {
    // Refused before the body is read: a council has nothing to publish, whatever it sends.
    const role = permits(actor, 'publish-report', { supplierId: actor.principal.supplierId ?? undefined });
    if (!role.allowed)
      return problem(403, PROBLEM.forbidden, role.detail, path, { action: 'publish-report' });
    const body = await readJsonBody(request, path, maxReportBytes);
    if (!body.ok) return body.reply;
    const overLimits = reportLimitExcesses(body.value);
    if (overLimits.length > 0) return refuseOverLimits(path, overLimits);
    const at = now();
    // The key register read once: revocation, trust and pending approval are all judged on the same keys.
    const register = await store.keys();
    // A key's thief could claim any signing time, so once a key is revoked nothing new signed with it is taken.
    const revoked = revokedSignature(body.value, register);
    if (revoked) return refuse(path, 'revoked-key', revoked);
    const verdict = verifySignedReport(body.value, { trustedKeys: trustList(register), now: at });
    if (!verdict.ok) return refuse(path, verdict.reason, verdict.message);
    const signed = verdict.signedReport;
    const problems = reportShapeProblems(signed.report);
    if (holdsNul(body.value))
      problems.push('the report holds a NUL character (\\u0000), which cannot be stored');
    if (problems.length > 0) return refuse(path, 'malformed', problems.join('; '));
    const broken = await ingestRefusal(signed, at);
    if (broken) return refuse(path, broken.reason, broken.message);
    const { supplier } = signed.certificate;
    const owner = forbidden(actor, 'publish-report', path, {
      supplierId: supplierIdOf(supplier),
      label: `"${supplier}"`,
    });
    if (owner) return owner;
    // A run a trusted certifier signed may name any supplier: it is a certificate when the run is
    // certifiable, and otherwise the certifier's evidence of a run that proves no level (LOTI's sweep), kept
    // as self-assessed. Only a supplier's own signature is held to the products it owns.
    if (
      verdict.status === 'self-assessed' &&
      !verdict.validSignatures.some((s) => s.role === 'certifier') &&
      !verdict.validSignatures.some((s) => s.role === 'supplier' && s.name === supplier)
    )
      return refuse(
        path,
        'key-owner-mismatch',
        `the certificate names the supplier "${supplier}", but it is signed only by supplier keys registered to ${verdict.validSignatures
          .map((s) => `"${s.name ?? s.keyId}"`)
          .join(', ')}: a supplier may self-assess only its own products`,
      );
    const pendingKeys = pendingSupplierKeys(verdict.validSignatures, supplier, register);
    const stored = await store.ingest({
      signedReport: signed,
      // The canonical form of what was verified is what is kept and served: bytes that verify exactly, with
      // no text (duplicate members, over-long numbers) that a reader could take differently from the signer.
      text: canonicalJson(body.value),
      status: verdict.status,
      validSignatures: verdict.validSignatures,
      receivedAt: at,
      publishedBy: actor.principal.id,
      held:
        pendingKeys.length > 0
          ? {
              reason: 'pending-key',
              detail: `signed only with ${pendingKeys.join(', ')}, pending approval by LOTI`,
            }
          : undefined,
    });
    return json(
      stored.created ? 201 : 200,
      {
        id: stored.id,
        created: stored.created,
        status: verdict.status,
        level: signed.certificate.level,
        supplier: signed.certificate.supplier,
        product: signed.certificate.product,
        profile: signed.certificate.profile,
        expiresAt: verdict.expiresAt,
        dueForRecertification: verdict.dueForRecertification,
        signedBy: verdict.validSignatures,
        regressions: stored.regressions,
        listed: stored.held === null,
        ...(stored.held ? { held: stored.held } : {}),
        links: {
          product: `/products/${stored.productId}`,
          run: `/products/${stored.productId}?report=${stored.id}`,
          supplier: `/suppliers/${stored.supplierId}`,
          report: `/reports/${stored.id}.json`,
          badge: `/badges/${stored.productId}.svg`,
        },
      },
      stored.created ? { location: `/reports/${stored.id}.json` } : {},
    );
  }

  const text = (value: unknown, max = MAX_TEXT): value is string => isShortText(value, max);

  async function postSupplierKey(request: IncomingMessage, path: string, actor: Actor): Promise<Reply> {
    const body = await readJsonBody(request, path, MAX_FORM_BYTES);
    if (!body.ok) return body.reply;
    const value = body.value as { publicKeyPem?: unknown; supplier?: unknown } | null;
    const isSupplier = actor.principal.kind === 'supplier';
    if (
      !value ||
      typeof value !== 'object' ||
      !text(value.publicKeyPem, 10_000) ||
      (value.supplier !== undefined && !text(value.supplier, 200)) ||
      (!isSupplier && value.supplier === undefined)
    )
      return problem(
        400,
        PROBLEM.validation,
        isSupplier
          ? 'send {"publicKeyPem": "<the .pub file>"}'
          : 'send {"publicKeyPem": "<the .pub file>", "supplier": "<the supplier name its certificates carry>"}',
        path,
      );
    // A supplier's key is always its own: the name comes from its account, never from what it sends.
    const owner = isSupplier ? actor.principal.name : (value.supplier as string).trim();
    const refused = forbidden(actor, 'register-key', path, {
      supplierId: supplierIdOf(typeof value.supplier === 'string' ? value.supplier.trim() : owner),
      label: `"${typeof value.supplier === 'string' ? value.supplier.trim() : owner}"`,
    });
    if (refused) return refused;
    let keyId: string;
    try {
      keyId = keyIdOf(value.publicKeyPem);
    } catch (error) {
      if (!(error instanceof CertificateError)) throw error;
      return problem(422, PROBLEM.validation, error.message, path, { reason: error.reason });
    }
    if (configuredIds.has(keyId))
      return problem(
        409,
        PROBLEM.conflict,
        `${keyId} is configured by LOTI (CONFORM_CERTIFIER_KEYS) and cannot be registered`,
        path,
      );
    const { created, key } = await store.registerKey({
      keyId,
      publicKeyPem: value.publicKeyPem,
      role: 'supplier',
      owner,
      registeredAt: now(),
      // A supplier's own key is a claim until LOTI approves it; a certifier or administrator vouches already.
      state: isSupplier ? 'pending' : 'approved',
      registeredBy: actor.principal.id,
    });
    if (!created && (key.role !== 'supplier' || key.owner !== owner))
      return problem(
        409,
        PROBLEM.conflict,
        `${keyId} is registered already, to "${key.owner}" (${key.role})`,
        path,
      );
    return json(created ? (key.state === 'pending' ? 202 : 201) : 200, keyView(key));
  }

  async function postDispute(request: IncomingMessage, path: string, actor: Actor): Promise<Reply> {
    const role = permits(actor, 'open-dispute', { supplierId: actor.principal.supplierId ?? undefined });
    if (!role.allowed) return problem(403, PROBLEM.forbidden, role.detail, path, { action: 'open-dispute' });
    const body = await readJsonBody(request, path, MAX_FORM_BYTES);
    if (!body.ok) return body.reply;
    const value = body.value as { reportId?: unknown; checkId?: unknown; reason?: unknown } | null;
    if (
      !value ||
      typeof value !== 'object' ||
      typeof value.reportId !== 'string' ||
      !REPORT_ID_PATTERN.test(value.reportId) ||
      !text(value.checkId, 200) ||
      !text(value.reason)
    )
      return problem(
        400,
        PROBLEM.validation,
        `send {"reportId": "<64 hex digits>", "checkId": "<a check of that report>", "reason": "<why, at most ${MAX_TEXT} characters>"}`,
        path,
      );
    const owner = await store.reportSupplierId(value.reportId);
    if (owner === undefined)
      return problem(404, PROBLEM.notFound, `no report ${value.reportId} is stored`, path, {
        code: 'REPORT_NOT_FOUND',
      });
    const refused = forbidden(actor, 'open-dispute', path, {
      supplierId: owner,
      label: `the report ${value.reportId}, which is another supplier's`,
    });
    if (refused) return refused;
    try {
      const dispute = await store.openDispute({
        reportId: value.reportId,
        checkId: value.checkId,
        reason: value.reason.trim(),
        openedAt: now(),
      });
      return json(201, dispute, { location: `/products/${dispute.productId}#disputes` });
    } catch (error) {
      if (!(error instanceof ResultsStoreError)) throw error;
      const status = error.code === 'REPORT_NOT_FOUND' ? 404 : 422;
      return problem(status, status === 404 ? PROBLEM.notFound : PROBLEM.validation, error.message, path, {
        code: error.code,
      });
    }
  }

  async function postDecision(
    request: IncomingMessage,
    path: string,
    id: string,
    actor: Actor,
  ): Promise<Reply> {
    const refused = forbidden(actor, 'decide-dispute', path);
    if (refused) return refused;
    const body = await readJsonBody(request, path, MAX_FORM_BYTES);
    if (!body.ok) return body.reply;
    const value = body.value as { accept?: unknown; reason?: unknown; waiverExpiresAt?: unknown } | null;
    const usage =
      'send {"accept": true, "reason": "<why>", "waiverExpiresAt": "<ISO date-time>"} or {"accept": false, "reason": "<why>"}';
    if (!value || typeof value !== 'object' || typeof value.accept !== 'boolean' || !text(value.reason))
      return problem(400, PROBLEM.validation, usage, path);
    let waiverExpiresAt: Date | null = null;
    if (value.accept) {
      const when = typeof value.waiverExpiresAt === 'string' ? new Date(value.waiverExpiresAt) : undefined;
      if (!when || Number.isNaN(when.getTime()))
        return problem(400, PROBLEM.validation, `an accepted dispute needs waiverExpiresAt: ${usage}`, path);
      // A waiver is always for a while: one without an end would hide the failure for good.
      if (when.getTime() <= now().getTime())
        return problem(422, PROBLEM.validation, 'waiverExpiresAt must be in the future', path);
      waiverExpiresAt = when;
    } else if (value.waiverExpiresAt !== undefined && value.waiverExpiresAt !== null)
      return problem(
        400,
        PROBLEM.validation,
        'a rejected dispute has no waiver: leave out waiverExpiresAt',
        path,
      );
    try {
      const dispute = await store.decideDispute({
        id,
        accept: value.accept,
        reason: value.reason.trim(),
        waiverExpiresAt,
        decidedAt: now(),
      });
      return json(200, dispute);
    } catch (error) {
      if (!(error instanceof ResultsStoreError)) throw error;
      if (error.code === 'DISPUTE_NOT_FOUND') return problem(404, PROBLEM.notFound, error.message, path);
      return problem(409, PROBLEM.conflict, error.message, path);
    }
  }

  const adminApi = createAdminApi({ store, now, readJsonBody, maxFormBytes: MAX_FORM_BYTES });

  async function api(request: IncomingMessage, url: URL): Promise<Reply> {
    const path = url.pathname;
    const decision = /^\/api\/disputes\/([^/]+)\/decision$/.exec(path);
    const methods: readonly string[] = adminApi.handles(path)
      ? adminApi.methods(path)
      : path === '/api/reports' ||
          path === '/api/suppliers/keys' ||
          path === '/api/disputes' ||
          procurement.handlesApi(path) ||
          decision !== null
        ? ['POST']
        : [];
    if (methods.length === 0) return problem(404, PROBLEM.notFound, `no API operation at ${path}`, path);
    if (!methods.includes(request.method ?? ''))
      return problem(
        405,
        PROBLEM.methodNotAllowed,
        `${path} takes ${methods.join(' or ')}`,
        path,
        {},
        { allow: methods.join(', ') },
      );
    const actor = await authenticate(request);
    // Keyed by credential once known, else by address: junk tokens from one address share its allowance.
    const rate = limiter(
      actor ? `credential:${actor.credentialId}` : `address:${request.socket.remoteAddress ?? ''}`,
    );
    if (!rate.allowed)
      return problem(
        429,
        PROBLEM.rateLimited,
        `too many requests from this client: try again in ${rate.retryAfterSeconds} s`,
        path,
        {},
        { 'retry-after': String(rate.retryAfterSeconds) },
      );
    if (!actor)
      return problem(
        401,
        PROBLEM.unauthenticated,
        'send a credential LOTI issued you as "Authorization: Bearer <token>" (a revoked or rotated one no longer works)',
        path,
        {},
        { 'www-authenticate': 'Bearer realm="council-conform-dashboard"' },
      );
    if (adminApi.handles(path)) return adminApi.answer(request, path, actor);
    if (path === '/api/reports') return postReport(request, path, actor);
    if (path === '/api/suppliers/keys') return postSupplierKey(request, path, actor);
    if (path === '/api/disputes') return postDispute(request, path, actor);
    if (procurement.handlesApi(path)) return procurement.api(request, url, actor);
    const id = decision?.[1] ?? '';
    if (!ID_PATTERN.test(id)) return problem(404, PROBLEM.notFound, `no dispute ${id}`, path);
    return postDecision(request, path, id, actor);
  }

  async function health(path: string): Promise<Reply> {
    try {
      await store.ping();
      return json(200, { status: 'ok', storage: store.kind });
    } catch (error) {
      return problem(503, PROBLEM.serverError, `storage does not answer: ${(error as Error).message}`, path);
    }
  }

  /** Pages and downloads answered with JSON or an image rather than a page, so a refusal is a problem too. */
  const isDownload = (path: string) =>
    path.startsWith('/data/') || path.startsWith('/reports/') || path.startsWith('/badges/');

  function tooManyRequests(path: string, retryAfterSeconds: number): Reply {
    const headers = { 'retry-after': String(retryAfterSeconds) };
    if (isDownload(path))
      return problem(
        429,
        PROBLEM.rateLimited,
        `too many requests from this address: try again in ${retryAfterSeconds} s`,
        path,
        {},
        headers,
      );
    const reply = page(
      'error.njk',
      'Sorry, there have been too many requests',
      path,
      {
        paragraphs: [
          'This address has asked for more pages than the dashboard answers in a minute.',
          `Try again in ${retryAfterSeconds} ${retryAfterSeconds === 1 ? 'second' : 'seconds'}.`,
        ],
      },
      429,
    );
    return { ...reply, headers: { ...reply.headers, ...headers } };
  }

  /** A page that depends on nothing but its URL (and the Host, for the badge snippet): cached until a write. */
  function cached(request: IncomingMessage, url: URL, render: () => Promise<Reply>): Promise<Reply> {
    if (!pageCache) return render();
    return pageCache.serve(`${originOf(request)}${url.pathname}${url.search}`, render);
  }

  async function route(request: IncomingMessage, url: URL): Promise<Reply> {
    const path = url.pathname;
    if (path.startsWith('/api/')) return api(request, url);
    // Every render for an anonymous visitor counts, so that no one address can keep the server busy; assets
    // are files read as they are, and /healthz must answer whoever else is being turned away.
    const reading = request.method === 'GET' || request.method === 'HEAD';
    if (reading && path !== '/healthz' && !assets.has(path)) {
      const rate = pageLimiter(clientAddressKey(request.socket.remoteAddress));
      if (!rate.allowed) return tooManyRequests(path, rate.retryAfterSeconds);
    }
    const procurementReply = await procurement.route(request, url);
    if (procurementReply) return procurementReply;
    const reviewReply = await reviewPage.route(request, url);
    if (reviewReply) return reviewReply;
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return problem(405, PROBLEM.methodNotAllowed, `${path} takes GET`, path, {}, { allow: 'GET, HEAD' });
    const asset = assets.get(path);
    if (asset)
      return {
        status: 200,
        headers: { 'content-type': asset.type, 'cache-control': 'public, max-age=86400' },
        body: await asset.read(),
      };
    if (path === '/') return cached(request, url, () => leaguePage(url));
    if (path === '/healthz') return health(path);
    if (path === '/clauses') return cached(request, url, async () => clausesPage(url));
    if (path === '/councils') return cached(request, url, () => councilsPage(url));
    if (path === '/data/league-table.csv') return openData(url, 'csv');
    if (path === '/data/league-table.json') return openData(url, 'json');
    if (path === '/data/service-statistics.csv') return statisticsOpenData(url, 'csv');
    if (path === '/data/service-statistics.json') return statisticsOpenData(url, 'json');
    if (path === '/data/revoked-keys.json')
      return json(200, await revokedKeysOpenData(store), {
        'access-control-allow-origin': '*',
        'cache-control': 'no-cache',
      });
    let match = /^\/products\/([^/]+)$/.exec(path);
    if (match && ID_PATTERN.test(match[1] as string)) {
      const id = match[1] as string;
      return cached(request, url, () => productPage(url, id, originOf(request)));
    }
    match = /^\/suppliers\/([^/]+)$/.exec(path);
    if (match && ID_PATTERN.test(match[1] as string)) {
      const id = match[1] as string;
      return cached(request, url, () => supplierPage(url, id));
    }
    match = /^\/clauses\/([^/]+)$/.exec(path);
    if (match) {
      const id = match[1] as string;
      return cached(request, url, () => clausePage(url, id));
    }
    match = /^\/badges\/([^/]+)\.svg$/.exec(path);
    if (match) return badge(match[1] as string);
    match = /^\/reports\/([0-9a-f]{64})\.json$/.exec(path);
    if (match) return signedReport(path, match[1] as string);
    return notFoundPage(path);
  }

  function failure(request: IncomingMessage, path: string, error: unknown): Reply {
    // A bug must cost one request, not the server; the detail stays in the log, not the answer.
    console.error(`dashboard: ${request.method} ${path} failed: ${(error as Error).stack ?? String(error)}`);
    if (path.startsWith('/api/') || path.startsWith('/data/') || path.startsWith('/reports/'))
      return problem(500, PROBLEM.serverError, 'the dashboard failed to answer; it has been logged', path);
    try {
      return page(
        'error.njk',
        'Sorry, there is a problem with the service',
        path,
        {
          paragraphs: [
            'Try again later.',
            'Nothing you sent has been stored half-way: a report is stored whole or not at all.',
          ],
        },
        500,
      );
    } catch {
      return {
        status: 500,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: 'Internal Server Error\n',
      };
    }
  }

  const listener: RequestListener = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(incoming.url ?? '/', 'http://dashboard.invalid');
    } catch {
      send(problem(400, PROBLEM.validation, 'the request target is not a URL path', '/'), outgoing);
      return;
    }
    route(incoming, url)
      .catch((error: unknown) => failure(incoming, url.pathname, error))
      .then((reply) => {
        // Any write that succeeded may change what a page shows; said before the answer, so that the writer's
        // next page is already fresh.
        if (incoming.method !== 'GET' && incoming.method !== 'HEAD' && reply.status < 400) dataChanged();
        send(reply, outgoing);
      })
      .catch((error: unknown) => {
        console.error(`dashboard: writing the answer failed: ${(error as Error).message}`);
        outgoing.destroy();
      });
  };

  return { store, listener, dataChanged };
}

export interface ListenOptions extends DashboardOptions {
  /** 0: a free port. Default 8090. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
}

export interface RunningDashboard {
  readonly url: string;
  readonly port: number;
  readonly server: DashboardServer;
  /** Stops accepting connections and lets requests in flight finish (at most `graceMs`). Does not close the store. */
  close(graceMs?: number): Promise<void>;
}

export async function listenDashboard(options: ListenOptions): Promise<RunningDashboard> {
  const server = await createDashboardServer(options);
  const http = await listenHttp(server.listener, {
    port: options.port ?? 8090,
    host: options.host ?? '127.0.0.1',
    // A 20 MB upload on a slow line still fits.
    requestTimeoutMs: 120_000,
    headersTimeoutMs: 20_000,
  });
  return { url: http.url, port: http.port, server, close: (graceMs = 10_000) => http.close(graceMs) };
}
