import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { expiryTimeline, quarterFirstDay, quarterLastDay } from '../src/expiry-timeline.ts';
import { type GanttContract, ganttChart, STANDING_STYLES } from '../src/gantt-chart.ts';

const camden = { code: 'E09000007', name: 'Camden' };
const hackney = { code: 'E09000012', name: 'Hackney' };
const islington = { code: 'E09000019', name: 'Islington <& Co>' };
const TODAY = '2026-11-01T09:00:00.000Z';

const contracts: GanttContract[] = [
  {
    council: camden,
    reference: 'CMD-1',
    title: 'Street reporting',
    startDate: '2024-04-01',
    endDate: '2029-03-31',
    standing: 'gold',
  },
  {
    council: hackney,
    reference: 'HAC-1',
    title: 'Fix my street',
    startDate: '2022-07-01',
    endDate: '2029-06-30',
    standing: 'none',
  },
  {
    council: islington,
    reference: 'ISL-1',
    title: 'Pilot',
    startDate: null,
    endDate: '2030-12-31',
    standing: 'unlinked',
  },
  {
    council: camden,
    reference: 'CMD-2',
    title: 'Older',
    startDate: '2021-01-01',
    endDate: '2025-12-31',
    standing: 'bronze',
  },
  // No end date: nothing to draw; the table lists it.
  {
    council: hackney,
    reference: 'HAC-2',
    title: 'Rolling',
    startDate: '2023-01-01',
    endDate: null,
    standing: 'silver',
  },
];

type Node = Record<string, unknown>;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => name === 'g',
});

function parse(svg: string) {
  const root = (parser.parse(svg) as { svg: Node }).svg;
  const groups = (root.g ?? []) as Node[];
  return {
    root,
    bars: groups.filter((g) => g.class === 'app-gantt-bar'),
    windows: groups.filter((g) => g.class === 'app-gantt-window'),
    today: groups.find((g) => g.class === 'app-gantt-today') as Node,
  };
}

const days = (from: string, to: string) =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
const dayAfter = (iso: string) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Where the chart's own scale, read from the SVG, puts a date: computed here independently of the chart's code. */
function scaleOf(root: Node) {
  const start = root['data-scale-start'] as string;
  const end = root['data-scale-end'] as string;
  const plotX = Number(root['data-plot-x']);
  const plotWidth = Number(root['data-plot-width']);
  return (iso: string) => plotX + (days(start, iso) / days(start, end)) * plotWidth;
}

describe('the contract-expiry Gantt chart', () => {
  const svg = ganttChart({
    id: 'chart',
    title: 'Street reporting contracts',
    contracts,
    windows: [],
    today: TODAY,
  });
  const { root, bars, today } = parse(svg);
  const x = scaleOf(root);

  it('spans whole years from the earliest start to a year past the latest end', () => {
    expect(root['data-scale-start']).toBe('2021-01-01');
    expect(root['data-scale-end']).toBe('2031-01-01');
  });

  it('draws each contract with an end date as a bar from its start to the end of its last day', () => {
    expect(bars.map((bar) => bar['data-reference'])).toEqual(['CMD-2', 'CMD-1', 'HAC-1', 'ISL-1']);
    for (const bar of bars) {
      const contract = contracts.find((c) => c.reference === bar['data-reference']) as GanttContract;
      const rect = bar.rect as Node;
      // A contract with no start date is drawn from the chart's left edge.
      const start = contract.startDate ?? (root['data-scale-start'] as string);
      const end = dayAfter(contract.endDate as string);
      expect(Number(rect.x), contract.reference).toBeCloseTo(x(start), 1);
      expect(Number(rect.width), contract.reference).toBeCloseTo(x(end) - x(start), 1);
    }
    // Later contracts end further right: the order holds, not only the arithmetic.
    const right = (ref: string) => {
      const rect = bars.find((b) => b['data-reference'] === ref)?.rect as Node;
      return Number(rect.x) + Number(rect.width);
    };
    expect(right('CMD-2')).toBeLessThan(right('CMD-1'));
    expect(right('CMD-1')).toBeLessThan(right('HAC-1'));
    expect(right('HAC-1')).toBeLessThan(right('ISL-1'));
  });

  it('marks today where the scale puts today', () => {
    expect(today['data-date']).toBe('2026-11-01');
    const line = today.line as Node;
    expect(Number(line.x1)).toBeCloseTo(x('2026-11-01'), 1);
    expect(Number(line.x2)).toBe(Number(line.x1));
  });

  it('says each bar’s standing in words and a pattern, never by colour alone', () => {
    for (const bar of bars) {
      const standing = bar['data-standing'] as keyof typeof STANDING_STYLES;
      expect((bar.text as Node)['#text']).toBe(STANDING_STYLES[standing].label);
      expect((bar.rect as Node).fill).toBe(`url(#chart-${standing})`);
    }
    const patterns = new Set(Object.values(STANDING_STYLES).map((style) => style.pattern));
    expect(patterns.size).toBe(Object.keys(STANDING_STYLES).length);
  });

  it('has a title and a description naming every contract drawn, with markup in names escaped', () => {
    expect(root.role).toBe('img');
    expect(root['aria-labelledby']).toBe('chart-title chart-desc');
    expect(svg).toContain('<title id="chart-title">Street reporting contracts</title>');
    const desc = (root.desc as Node)['#text'] as string;
    expect(desc).toContain('4 contracts held by 3 councils');
    expect(desc).toContain('Camden, Street reporting: from 1 April 2024 to 31 March 2029, gold.');
    expect(desc).toContain('Islington <& Co>, Pilot: start not known to 31 December 2030');
    expect(svg).toContain('Islington &lt;&amp; Co&gt;');
    expect(desc).toContain('today, 1 November 2026');
    expect(svg).not.toContain('Islington <&');
  });
});

describe('joint procurement windows on the chart', () => {
  it('shades each window from the first day of its first quarter to the end of its last', () => {
    const timeline = expiryTimeline(contracts, new Date(TODAY));
    expect(timeline.windows).toHaveLength(1);
    const windows = timeline.windows.map((w) => ({
      from: quarterFirstDay(w.from),
      to: quarterLastDay(w.to),
      label: w.label,
    }));
    expect(windows).toEqual([{ from: '2029-01-01', to: '2029-06-30', label: 'January to June 2029' }]);
    const svg = ganttChart({ id: 'chart', title: 'With a window', contracts, windows, today: TODAY });
    const parsed = parse(svg);
    const x = scaleOf(parsed.root);
    const rect = parsed.windows[0]?.rect as Node;
    expect(Number(rect.x)).toBeCloseTo(x('2029-01-01'), 1);
    expect(Number(rect.width)).toBeCloseTo(x('2029-07-01') - x('2029-01-01'), 1);
    expect(((parsed.windows[0] as Node).text as Node)['#text']).toBe('Joint window: January to June 2029');
    expect((parsed.root.desc as Node)['#text']).toContain(
      'Joint procurement window, shaded: January to June 2029.',
    );
  });

  it('gives the last day of every quarter, leap years included', () => {
    const q = (year: number, quarter: 1 | 2 | 3 | 4) => ({ year, quarter, index: 0, key: '', label: '' });
    expect(quarterLastDay(q(2028, 1))).toBe('2028-03-31');
    expect(quarterLastDay(q(2029, 2))).toBe('2029-06-30');
    expect(quarterLastDay(q(2029, 3))).toBe('2029-09-30');
    expect(quarterLastDay(q(2029, 4))).toBe('2029-12-31');
    expect(quarterFirstDay(q(2029, 4))).toBe('2029-10-01');
  });

  it('refuses a date that is not ISO 8601, naming it', () => {
    expect(() =>
      ganttChart({
        id: 'chart',
        title: 'Bad',
        contracts: [{ ...(contracts[0] as GanttContract), endDate: '31/03/2029' }],
        windows: [],
        today: TODAY,
      }),
    ).toThrow('"31/03/2029" is not an ISO 8601 date');
  });
});
