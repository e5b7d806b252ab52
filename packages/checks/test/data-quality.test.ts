import type { JsonObject } from '@council-conform/openapi';
import type { DatasetQuality, ReferenceDataset, RunReport } from '@council-conform/runner';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../src/catalogue.ts';
import { datasetQuality } from '../src/data-quality.ts';
import { runAgainstMock } from '../src/testing.ts';

/** A reference as the bundled profiles are: the baseline's identifier schemas, a record that uses them. */
const DOCUMENT: JsonObject = {
  openapi: '3.1.0',
  info: { title: 'crafted', version: '1.0.0' },
  paths: {},
  components: {
    schemas: {
      Uprn: { type: 'string', pattern: '^[1-9][0-9]{0,11}$' },
      Usrn: { type: 'string', pattern: '^[1-9][0-9]{0,7}$' },
      GssCode: { type: 'string', pattern: '^[EKNSW][0-9]{8}$' },
      Repair: {
        allOf: [
          {
            type: 'object',
            properties: {
              id: { type: 'string' },
              uprn: { $ref: '#/components/schemas/Uprn' },
              reported_at: { type: 'string', format: 'date-time' },
            },
          },
          {
            type: 'object',
            properties: {
              ward: { $ref: '#/components/schemas/GssCode' },
              // Typed by carrying the baseline's pattern, not by $ref: the checks find it the same way.
              street: { type: 'string', pattern: '^[1-9][0-9]{0,7}$' },
              due: { type: 'string', format: 'date' },
              notes: { type: ['string', 'null'] },
              history: { type: 'array', items: { type: 'object' } },
              detail: { type: 'string', 'x-omittable-in-lists': true },
            },
          },
        ],
      },
    },
  },
};

const DATASET: ReferenceDataset = {
  id: 'repairs',
  title: 'Repair requests',
  schema: 'Repair',
  classification: 'public',
  idField: 'id',
  list: 'listRepairs',
  get: 'getRepair',
};

const whole = {
  uprn: '100023336956',
  street: '21400132',
  ward: 'E09000012',
  reported_at: '2026-04-01T09:30:00Z',
  due: '2026-04-08',
  notes: 'Tap drips',
  history: [{ at: '2026-04-01' }],
};

describe('data quality of crafted records', () => {
  it('counts a dataset whose every record is whole as whole', () => {
    const quality = datasetQuality(DOCUMENT, DATASET, [
      { id: 'r1', ...whole },
      { id: 'r2', ...whole },
    ]);
    expect(quality).toEqual({
      dataset: 'repairs',
      title: 'Repair requests',
      recordsRead: 2,
      identifiers: [
        { kind: 'gss', field: 'ward', present: 2, valid: 2 },
        { kind: 'uprn', field: 'uprn', present: 2, valid: 2 },
        { kind: 'usrn', field: 'street', present: 2, valid: 2 },
      ],
      // Each record: reported_at, due; history[0].at is a date-like text only when written day first.
      dates: { values: 4, parsed: 4 },
      // Eight properties (detail may be left out of a list, so it is not counted) × two records.
      filled: { values: 16, filled: 16 },
    } satisfies DatasetQuality);
  });

  it('counts a missing UPRN, an invalid GSS code, an unparseable date, empty strings and nulls', () => {
    const quality = datasetQuality(DOCUMENT, DATASET, [
      { id: 'r1', ...whole },
      // No UPRN at all; a local abbreviation for the ward; a day-first date where a date-time belongs.
      { id: 'r2', ...whole, uprn: undefined, ward: 'LBC-012', reported_at: '01/04/2026 09:30' },
      // An empty UPRN is not one carried; a null note and an empty history are not filled.
      { id: 'r3', ...whole, uprn: '', notes: null, history: [], due: '2026-02-30' },
      // A UPRN written with spaces is carried but not valid; a number in a date field is a date that fails.
      { id: 'r4', ...whole, uprn: '1000 2333 6956', street: 21400132, due: 20260408 },
    ]);
    expect(quality.recordsRead).toBe(4);
    expect(quality.identifiers).toEqual([
      { kind: 'gss', field: 'ward', present: 4, valid: 3 },
      { kind: 'uprn', field: 'uprn', present: 2, valid: 1 },
      { kind: 'usrn', field: 'street', present: 4, valid: 3 },
    ]);
    expect(quality.dates).toEqual({ values: 8, parsed: 5 });
    // 8 × 4 = 32: r2 lacks uprn, r3 has an empty uprn, a null note and an empty history.
    expect(quality.filled).toEqual({ values: 32, filled: 28 });
  });

  it('judges a day-first date in a field the reference does not type as a date, as the RFC 3339 check does', () => {
    const quality = datasetQuality(DOCUMENT, DATASET, [
      { id: 'r1', ...whole, notes: '14/12/2026', history: [{ at: 'booked for 14/12/2026' }] },
    ]);
    // reported_at and due parse; notes is a whole day-first date; the prose is words.
    expect(quality.dates).toEqual({ values: 3, parsed: 2 });
  });

  it('says nothing of identifiers a schema does not have, and counts no records as nothing', () => {
    const quality = datasetQuality(DOCUMENT, { ...DATASET, schema: 'Missing' }, []);
    expect(quality).toMatchObject({
      recordsRead: 0,
      identifiers: [],
      dates: { values: 0, parsed: 0 },
      filled: { values: 0, filled: 0 },
    });
  });
});

/** The checks that read every dataset's records, so that the runs below read what a whole run reads. */
const READING = CHECKS.filter((c) =>
  ['open-standards-address-identifiers', 'open-standards-gss-codes', 'open-standards-rfc3339-dates'].includes(
    c.id,
  ),
);

const figures = (report: RunReport) => {
  const datasets = report.dataQuality?.datasets ?? [];
  const sum = (pick: (d: DatasetQuality) => number) => datasets.reduce((n, d) => n + pick(d), 0);
  const identifiers = (kind: string) => datasets.flatMap((d) => d.identifiers.filter((i) => i.kind === kind));
  const share = (kind: string) => {
    const found = identifiers(kind);
    return {
      present: found.reduce((n, i) => n + i.present, 0),
      valid: found.reduce((n, i) => n + i.valid, 0),
    };
  };
  return {
    datasets,
    records: sum((d) => d.recordsRead),
    uprn: share('uprn'),
    usrn: share('usrn'),
    gss: share('gss'),
    dates: { values: sum((d) => d.dates.values), parsed: sum((d) => d.dates.parsed) },
    filled: { values: sum((d) => d.filled.values), filled: sum((d) => d.filled.filled) },
  };
};

describe('data quality of a run', () => {
  it('is whole for the conformant mock, lower where faults break identifiers and dates, and never a verdict', async () => {
    const conformant = await runAgainstMock('housing-repairs', [], { checks: READING });
    const faulty = await runAgainstMock(
      'housing-repairs',
      ['uprn-with-spaces', 'invalid-gss-code', 'dates-ddmmyyyy'],
      { checks: READING },
    );
    const good = figures(conformant);
    const bad = figures(faulty);

    // Every dataset the checks read is measured, with the profile's title.
    expect(good.datasets.length).toBeGreaterThan(0);
    for (const d of good.datasets) {
      expect(d.title.length, d.dataset).toBeGreaterThan(0);
      expect(d.recordsRead, d.dataset).toBeGreaterThan(0);
    }
    expect(good.uprn.present).toBeGreaterThan(0);
    expect(good.usrn.present).toBeGreaterThan(0);
    expect(good.gss.present).toBeGreaterThan(0);
    expect(good.dates.values).toBeGreaterThan(0);
    // The conformant supplier's identifiers are all valid and its dates all parse.
    expect(good.uprn.valid).toBe(good.uprn.present);
    expect(good.usrn.valid).toBe(good.usrn.present);
    expect(good.gss.valid).toBe(good.gss.present);
    expect(good.dates.parsed).toBe(good.dates.values);
    expect(good.filled.filled).toBeGreaterThan(0);
    expect(good.filled.filled).toBeLessThanOrEqual(good.filled.values);

    // The faulty one carries the same records, written badly.
    expect(bad.records).toBe(good.records);
    expect(bad.uprn.present).toBe(good.uprn.present);
    expect(bad.uprn.valid).toBeLessThan(bad.uprn.present);
    expect(bad.gss.valid).toBeLessThan(bad.gss.present);
    expect(bad.dates.parsed).toBeLessThan(bad.dates.values);
    // USRNs are left alone by these faults.
    expect(bad.usrn).toEqual(good.usrn);

    // Information, not a verdict: the checks decide as they would without it.
    const statuses = (report: RunReport) => report.checks.map((c) => [c.id, c.status]);
    expect(statuses(conformant)).toEqual(READING.map((c) => [c.id, 'pass']));
    expect(statuses(faulty)).toEqual(READING.map((c) => [c.id, 'fail']));
  });
});
