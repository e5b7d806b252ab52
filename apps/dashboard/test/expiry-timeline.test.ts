import { describe, expect, it } from 'vitest';
import { expiryTimeline, quarterOf, spanLabel } from '../src/expiry-timeline.ts';

const camden = { code: 'E09000007', name: 'Camden' };
const hackney = { code: 'E09000012', name: 'Hackney' };
const islington = { code: 'E09000019', name: 'Islington' };
const contract = (council: typeof camden, endDate: string | null, title = 'System') => ({
  council,
  endDate,
  title,
});
const NOW = new Date('2026-11-01T09:00:00Z');

describe('quarterOf and spanLabel', () => {
  it('names calendar quarters as GOV.UK writes date ranges, counting across a new year', () => {
    expect(quarterOf('2029-03-31')).toEqual({
      year: 2029,
      quarter: 1,
      index: 2029 * 4,
      key: '2029-Q1',
      label: 'January to March 2029',
    });
    expect(quarterOf('2028-12-31').label).toBe('October to December 2028');
    expect(quarterOf('2029-01-01').index - quarterOf('2028-12-31').index).toBe(1);
    expect(spanLabel(quarterOf('2029-01-15'), quarterOf('2029-06-30'))).toBe('January to June 2029');
    expect(spanLabel(quarterOf('2028-10-01'), quarterOf('2029-03-31'))).toBe('October 2028 to March 2029');
    expect(spanLabel(quarterOf('2029-05-01'), quarterOf('2029-06-01'))).toBe('April to June 2029');
    expect(() => quarterOf('31/03/2029')).toThrow('is not an ISO 8601 date');
  });
});

describe('expiryTimeline', () => {
  it('groups contracts by the quarter they end in, in order, with the councils of each', () => {
    const timeline = expiryTimeline(
      [contract(hackney, '2029-06-30'), contract(camden, '2029-03-31'), contract(islington, '2030-12-31')],
      NOW,
    );
    expect(timeline.quarters.map((q) => [q.quarter.key, q.councils.map((c) => c.name)])).toEqual([
      ['2029-Q1', ['Camden']],
      ['2029-Q2', ['Hackney']],
      ['2030-Q4', ['Islington']],
    ]);
  });

  it('finds a window where two councils’ contracts end in the same or neighbouring quarters', () => {
    const timeline = expiryTimeline(
      [contract(camden, '2029-03-31'), contract(hackney, '2029-06-30'), contract(islington, '2030-12-31')],
      NOW,
    );
    expect(timeline.windows.map((w) => [w.label, w.councils.map((c) => c.name), w.contracts.length])).toEqual(
      [['January to June 2029', ['Camden', 'Hackney'], 2]],
    );
    const same = expiryTimeline([contract(camden, '2028-08-01'), contract(hackney, '2028-09-30')], NOW);
    expect(same.windows.map((w) => w.label)).toEqual(['July to September 2028']);
    const acrossYears = expiryTimeline(
      [contract(camden, '2028-12-31'), contract(hackney, '2029-01-31')],
      NOW,
    );
    expect(acrossYears.windows.map((w) => w.label)).toEqual(['October 2028 to March 2029']);
  });

  it('finds no window for one council alone, nor for quarters a quarter apart', () => {
    expect(
      expiryTimeline([contract(camden, '2029-03-31'), contract(camden, '2029-06-30')], NOW).windows,
    ).toEqual([]);
    expect(
      expiryTimeline([contract(camden, '2029-03-31'), contract(hackney, '2029-09-30')], NOW).windows,
    ).toEqual([]);
  });

  it('keeps contracts already ended, and those without an end date, out of the quarters', () => {
    const timeline = expiryTimeline(
      [
        contract(camden, '2026-10-31', 'ended'),
        contract(hackney, null),
        contract(islington, '2026-11-01', 'today'),
      ],
      NOW,
    );
    expect(timeline.ended.map((c) => c.title)).toEqual(['ended']);
    expect(timeline.quarters.flatMap((q) => q.contracts.map((c) => c.title))).toEqual(['today']);
  });
});
