import type { DatasetQuality, RunReport } from '@council-conform/runner';
import { BUDGET } from '@council-conform/test-budgets';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_QUALITY_DATASETS, MAX_QUALITY_IDENTIFIERS, reportShapeProblems } from '../src/report-shape.ts';
import { runAgainstMock } from './support.ts';

let run: RunReport;
beforeAll(async () => {
  run = await runAgainstMock();
}, BUDGET.realRun);

const withQuality = (datasets: unknown): RunReport =>
  structuredClone({ ...run, dataQuality: { datasets } }) as RunReport;

const dataset = (overrides: Partial<Record<keyof DatasetQuality, unknown>> = {}) => ({
  dataset: 'properties',
  title: 'Properties',
  recordsRead: 10,
  identifiers: [{ kind: 'uprn', field: 'uprn', present: 9, valid: 8 }],
  dates: { values: 20, parsed: 19 },
  filled: { values: 100, filled: 90 },
  ...overrides,
});

describe('the data quality figures of a report (format 2.2.0)', () => {
  it('are in a real run’s report, which ingest accepts, as it accepts one without them', () => {
    expect(run.reportVersion).toBe('2.2.0');
    expect(run.dataQuality?.datasets.length).toBeGreaterThan(0);
    expect(reportShapeProblems(run)).toEqual([]);
    const { dataQuality: _, ...without } = run;
    expect(reportShapeProblems(without)).toEqual([]);
  });

  it('are refused when they do not add up or are not counts, naming where', () => {
    expect(reportShapeProblems(withQuality('all good'))).toEqual([
      'report.dataQuality must be an object with a list of datasets',
    ]);
    const broken = reportShapeProblems(
      withQuality([
        dataset({ recordsRead: -1 }),
        dataset({ dates: { values: 1, parsed: 2 } }),
        dataset({ identifiers: [{ kind: 'postcode', field: 'postcode', present: 1, valid: 1 }] }),
        dataset({ identifiers: [{ kind: 'uprn', field: 'uprn', present: 11, valid: 1 }] }),
        dataset({ filled: { values: 1.5, filled: 1 }, title: 7 }),
      ]),
    );
    expect(broken).toEqual([
      'report.dataQuality.datasets[0].recordsRead must be a whole number, 0 or more',
      'report.dataQuality.datasets[1].dates must hold whole numbers values and parsed, parsed no more than values',
      expect.stringMatching(/^report\.dataQuality\.datasets\[2\]\.identifiers\[0\] must be a kind \(uprn/),
      expect.stringMatching(/^report\.dataQuality\.datasets\[3\]\.identifiers\[0\] must be a kind/),
      'report.dataQuality.datasets[4].title must be a string of at most 4000 characters',
      'report.dataQuality.datasets[4].filled must hold whole numbers values and filled, filled no more than values',
    ]);
  });

  it('are refused past their caps, without reading every entry', () => {
    expect(
      reportShapeProblems(withQuality(Array.from({ length: MAX_QUALITY_DATASETS + 1 }, () => dataset()))),
    ).toEqual([`report.dataQuality.datasets holds 101 entries, over the cap of ${MAX_QUALITY_DATASETS}`]);
    const many = Array.from({ length: MAX_QUALITY_IDENTIFIERS + 1 }, (_, i) => ({
      kind: 'gss',
      field: `area_${i}`,
      present: 1,
      valid: 1,
    }));
    expect(reportShapeProblems(withQuality([dataset({ identifiers: many })]))).toEqual([
      `report.dataQuality.datasets[0].identifiers holds 51 entries, over the cap of ${MAX_QUALITY_IDENTIFIERS}`,
    ]);
  });
});
