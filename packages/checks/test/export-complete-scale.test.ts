import { createMockSupplier, mockRunTarget, startMockServer } from '@council-conform/mocks';
import { CRAWL_RECORD_CAP, type RunReport, resolveRunConfig, runConformance } from '@council-conform/runner';
import { createMemoryRecordStore, type RecordScope, type RecordStore } from '@council-conform/storage';
import { BUDGET } from '@council-conform/test-budgets';
import { describe, expect, it } from 'vitest';
import { loadReference } from '../src/index.ts';
import { rightToDataExportComplete } from '../src/right-to-data/right-to-data-export-complete.ts';

/**
 * Completeness past the crawl cap: the other checks read at most CRAWL_RECORD_CAP records of a dataset, but
 * a council's export must be compared with every record the API lists. A public dataset is padded past the
 * cap, and one record beyond it is hidden from either the export or the listing by the store underneath.
 */
const SPEC = 'business-rates';
const RECORDS = CRAWL_RECORD_CAP + 1_200;

/** Ids of the padding records, in the order they are stored: the last ones lie beyond the crawl cap. */
const bulkId = (n: number) => `bulk-${String(n).padStart(6, '0')}`;

type Hide = { from: 'export' | 'listing'; id: string } | undefined;

/** The supplier's store, with one record hidden from the export (stream) or the listing (page). */
function hiding(store: RecordStore, idField: string, hide: Hide): RecordStore {
  if (!hide) return store;
  const hidden = (record: Record<string, unknown>) => String(record[idField]) === hide.id;
  return {
    ...store,
    kind: store.kind,
    count: (scope) => store.count(scope),
    get: (scope, id) => store.get(scope, id),
    upsert: (scope, records) => store.upsert(scope, records),
    fieldNames: (scope) => store.fieldNames(scope),
    ping: () => store.ping(),
    close: () => store.close(),
    async page(scope, query) {
      const page = await store.page(scope, query);
      if (hide.from !== 'listing') return page;
      return { ...page, records: page.records.filter((record) => !hidden(record)) };
    },
    async *stream(scope: RecordScope, batchSize?: number) {
      for await (const record of store.stream(scope, batchSize)) {
        if (hide.from === 'export' && hidden(record)) continue;
        yield record;
      }
    },
  };
}

async function run(hide: Hide): Promise<RunReport> {
  const { reference, personalFields } = await loadReference(SPEC);
  const dataset = reference.profile.datasets[0];
  if (dataset?.classification !== 'public') throw new Error(`${SPEC}'s first dataset must be public`);
  const store = createMemoryRecordStore();
  // Seed the fixtures first, then pad the public dataset with copies under new ids.
  await createMockSupplier(SPEC, { store });
  const scope = { space: SPEC, dataset: dataset.id, tenant: 'public' };
  const templates = (await store.page(scope, { offset: 0, limit: 1000 })).records;
  const extra = Array.from({ length: RECORDS - templates.length }, (_, n) => {
    const id = bulkId(n);
    return { id, record: { ...templates[n % templates.length], [dataset.idField]: id } };
  });
  await store.upsert(scope, extra);
  const supplier = await createMockSupplier(SPEC, {
    store: hiding(store, dataset.idField, hide),
    rateLimit: { limit: 100_000, windowMs: 1000 },
  });
  const server = await startMockServer(supplier);
  try {
    const report = await runConformance({
      config: resolveRunConfig({
        ...mockRunTarget(supplier, server.url),
        mode: 'sandbox',
        requestsPerSecond: 2_000,
        requestTimeoutMs: BUDGET.request,
        exportBudgetMs: 10_000,
      }),
      reference,
      checks: [rightToDataExportComplete],
      runner: { name: 'test', version: '0' },
      personalFields,
    });
    return report;
  } finally {
    await server.close();
  }
}

const result = (report: RunReport) => {
  const check = report.checks.find((c) => c.id === 'right-to-data-export-complete');
  if (!check) throw new Error('the check did not run');
  return check;
};

describe(`right-to-data-export-complete with ${RECORDS} records (past the ${CRAWL_RECORD_CAP}-record crawl cap)`, () => {
  it('passes when the export holds every listed record', { timeout: BUDGET.realRun }, async () => {
    const report = await run(undefined);
    const check = result(report);
    expect(check.status, check.message).toBe('pass');
    const comparisons = check.data?.comparisons as { dataset: string; listed: number; exported: number }[];
    expect(comparisons.find((c) => c.listed === RECORDS)).toMatchObject({ exported: RECORDS });
  });

  it('fails, naming the record, when one listed beyond the cap is missing from the export', {
    timeout: BUDGET.realRun,
  }, async () => {
    const hidden = bulkId(RECORDS - 200);
    const report = await run({ from: 'export', id: hidden });
    const check = result(report);
    expect(check.status).toBe('fail');
    expect(JSON.stringify(check.violations)).toContain(hidden);
    // Missing from every file of the dataset: the NDJSON file and the CSV file alike.
    expect(JSON.stringify(check.violations)).toContain(
      '.ndjson: listed by the API but missing from the file',
    );
    expect(JSON.stringify(check.violations)).toContain('.csv: listed by the API but missing from the file');
  });

  it('fails, naming the record, when one exported beyond the cap is not listed by the API', {
    timeout: BUDGET.realRun,
  }, async () => {
    const hidden = bulkId(RECORDS - 300);
    const report = await run({ from: 'listing', id: hidden });
    const check = result(report);
    expect(check.status).toBe('fail');
    expect(JSON.stringify(check.violations)).toContain(hidden);
    expect(JSON.stringify(check.violations)).toContain('.ndjson: in the file but unknown to the API');
    expect(JSON.stringify(check.violations)).toContain('.csv: in the file but unknown to the API');
  });
});
