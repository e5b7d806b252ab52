import { describe, expect, it } from 'vitest';
import { readDataQuality } from '../src/data-quality.ts';
import { measuresOfBody } from '../src/report-measures.ts';
import {
  type MeasuredRun,
  measuredExchanges,
  percentile,
  runLatencies,
  serviceStatistics,
} from '../src/service-statistics.ts';
import { labelledPositions, pointChartSvg } from '../src/svg-charts.ts';

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-06-30T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

function run(reportId: string, finishedAt: string, exchanges: [number | null, number][]): MeasuredRun {
  return {
    reportId,
    runFinishedAt: finishedAt,
    exchanges: exchanges.map(([status, durationMs]) => ({ status, durationMs })),
  };
}

describe('percentile (nearest rank)', () => {
  it('gives a value some request really took, the smallest with p% at or below it', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 95)).toBe(40);
    expect(percentile([10, 20, 30], 50)).toBe(20);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('service statistics over a window', () => {
  it('has no figures for an empty window, only counts of nothing', () => {
    const stats = serviceStatistics([run('old', ago(31 * DAY), [[200, 5]])], NOW, 30);
    expect(stats).toMatchObject({
      days: 30,
      runs: 0,
      exchanges: 0,
      availability: null,
      errorRate: null,
      medianMs: null,
      p95Ms: null,
      to: NOW.toISOString(),
      from: ago(30 * DAY),
    });
    expect(serviceStatistics([], NOW, 90).runs).toBe(0);
  });

  it('counts one run’s answers, 5xx and failures, and times only what got a response', () => {
    const stats = serviceStatistics(
      [
        run('one', ago(DAY), [
          [200, 100],
          [404, 300],
          [429, 200],
          [500, 900],
          [null, 30_000],
        ]),
      ],
      NOW,
      30,
    );
    expect(stats).toMatchObject({ runs: 1, exchanges: 5, answered: 3, serverErrors: 1, failures: 1 });
    expect(stats.availability).toBeCloseTo(0.6);
    expect(stats.errorRate).toBeCloseTo(0.4);
    // Latencies 100, 200, 300, 900: the timeout's 30 s measures patience, not the API.
    expect(stats.medianMs).toBe(200);
    expect(stats.p95Ms).toBe(900);
  });

  it('takes a run that finished exactly 30 days ago, and not one a millisecond older or one in the future', () => {
    const runs = [
      run('edge', ago(30 * DAY), [[200, 1]]),
      run('past-edge', ago(30 * DAY + 1), [[200, 2]]),
      run('future', new Date(NOW.getTime() + 1).toISOString(), [[200, 3]]),
      run('not-a-date', 'yesterday', [[200, 4]]),
    ];
    const thirty = serviceStatistics(runs, NOW, 30);
    expect(thirty.runs).toBe(1);
    expect(thirty.medianMs).toBe(1);
    expect(serviceStatistics(runs, NOW, 90).runs).toBe(2);
  });

  it('gives each run of the window its own median and 95th percentile, oldest first', () => {
    const runs = [
      run('b', ago(2 * DAY), [
        [200, 10],
        [200, 30],
        [null, 99],
      ]),
      run('a', ago(5 * DAY), [[200, 50]]),
      run('gone', ago(91 * DAY), [[200, 1]]),
    ];
    expect(runLatencies(runs, NOW, 90)).toEqual([
      { reportId: 'a', runFinishedAt: ago(5 * DAY), exchanges: 1, medianMs: 50, p95Ms: 50 },
      { reportId: 'b', runFinishedAt: ago(2 * DAY), exchanges: 3, medianMs: 10, p95Ms: 30 },
    ]);
  });
});

describe('reading a report’s exchanges', () => {
  it('counts responses and failures for want of an answer, and nothing the harness never sent', () => {
    const request = { method: 'GET', url: 'https://api.example/x', headers: {} };
    const measured = measuredExchanges(
      [
        { id: 'a', durationMs: 12, request, response: { status: 200 } },
        { id: 'b', durationMs: 40, request, response: { status: 503 } },
        { id: 'c', durationMs: 5000, request, error: { code: 'TIMEOUT', message: '' } },
        { id: 'd', durationMs: 3, request, error: { code: 'TLS', message: '' } },
        { id: 'e', durationMs: 0, request, error: { code: 'BUDGET_EXHAUSTED', message: '' } },
        { id: 'f', durationMs: 0, request, error: { code: 'OTHER_ORIGIN', message: '' } },
        { id: 'g', durationMs: 0, request, observation: 'export finished' },
        { id: 'h', durationMs: 'slow', request, response: { status: 200 } },
        { id: 'i', durationMs: 1, request, response: { status: 'ok' } },
        'not an exchange',
      ],
      'https://api.example/api',
    );
    expect(measured).toEqual([
      { status: 200, durationMs: 12 },
      { status: 503, durationMs: 40 },
      { status: null, durationMs: 5000 },
      { status: null, durationMs: 3 },
      { status: 200, durationMs: 0 },
    ]);
    expect(measuredExchanges(undefined, 'https://api.example')).toEqual([]);
  });

  it('leaves out the probes a sound API refuses on purpose, and counts a 501 as an answer', () => {
    // As a real conformant run records them: plain http beside the https API, and a TLS 1.0 handshake.
    const exchanges = [
      {
        id: 'plain',
        durationMs: 46,
        request: { method: 'GET', url: 'http://api.example/street-reports/', headers: {} },
        error: { code: 'NETWORK', message: 'other side closed' },
      },
      {
        id: 'old-tls',
        durationMs: 0,
        request: { method: 'TLS', url: 'tls://api.example:443', headers: {} },
        error: { code: 'NETWORK', message: 'refused: ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' },
      },
      {
        id: 'elsewhere',
        durationMs: 9,
        request: { method: 'GET', url: 'https://files.example/export.ndjson', headers: {} },
        response: { status: 200 },
      },
      {
        id: 'not-offered',
        durationMs: 4,
        request: { method: 'POST', url: 'https://api.example/street-reports/imports', headers: {} },
        response: { status: 501 },
      },
      {
        id: 'down',
        durationMs: 7,
        request: { method: 'GET', url: 'https://api.example/street-reports/requests.json', headers: {} },
        response: { status: 502 },
      },
    ];
    const measured = measuredExchanges(exchanges, 'https://api.example/street-reports');
    expect(measured).toEqual([
      { status: 501, durationMs: 4 },
      { status: 502, durationMs: 7 },
    ]);
    const run = { reportId: 'r', runFinishedAt: ago(DAY), exchanges: measured };
    const figures = serviceStatistics([run], NOW, 30);
    expect(figures).toMatchObject({ exchanges: 2, answered: 1, serverErrors: 1, failures: 0 });
    expect(figures.availability).toBe(0.5);
    expect(measuredExchanges(exchanges, 'not a url')).toEqual([]);
  });

  it('takes re-run commands and data quality from a stored body, and survives one that is not JSON', () => {
    const body = JSON.stringify({
      report: {
        checks: [{ id: 'x-failed', rerunCommand: 'conform run --only x-failed' }, { id: 'x-passed' }],
        target: { url: 'https://api.example/api' },
        exchanges: [
          {
            durationMs: 9,
            request: { method: 'GET', url: 'https://api.example/api/x' },
            response: { status: 200 },
          },
        ],
        dataQuality: {
          datasets: [
            {
              dataset: 'd',
              title: 'D',
              recordsRead: 2,
              identifiers: [{ kind: 'uprn', field: 'uprn', present: 2, valid: 1 }],
              dates: { values: 1, parsed: 1 },
              filled: { values: 4, filled: 3 },
            },
          ],
        },
      },
    });
    const measures = measuresOfBody('r', NOW.toISOString(), body);
    expect(measures.rerunCommands).toEqual({ 'x-failed': 'conform run --only x-failed' });
    expect(measures.exchanges).toEqual([{ status: 200, durationMs: 9 }]);
    expect(measures.dataQuality?.datasets[0]?.identifiers).toEqual([
      { kind: 'uprn', field: 'uprn', present: 2, valid: 1 },
    ]);
    expect(measuresOfBody('r', NOW.toISOString(), '{not json')).toMatchObject({
      exchanges: [],
      dataQuality: null,
      rerunCommands: {},
    });
  });
});

describe('reading data quality defensively', () => {
  it('is absent from an older report, and leaves out what does not add up', () => {
    expect(readDataQuality(undefined)).toBeNull();
    expect(readDataQuality({ datasets: [] })).toBeNull();
    const quality = readDataQuality({
      datasets: [
        { dataset: 'no-counts', title: 'x' },
        {
          dataset: 'ok',
          recordsRead: 10,
          identifiers: [
            { kind: 'gss', field: 'ward', present: 10, valid: 9 },
            { kind: 'uprn', field: 'uprn', present: 11, valid: 1 },
            { kind: 'postcode', field: 'pc', present: 1, valid: 1 },
            { kind: 'usrn', field: 'usrn', present: 3, valid: 4 },
          ],
          dates: { values: 5, parsed: 5 },
          filled: { values: 20, filled: 21 },
        },
        {
          dataset: 'fine',
          recordsRead: 0,
          identifiers: [],
          dates: { values: 0, parsed: 0 },
          filled: { values: 0, filled: 0 },
        },
      ],
    });
    // "ok" fills more fields than it has: not a measure to show. "fine" read nothing, which is honest.
    expect(quality?.datasets.map((d) => d.dataset)).toEqual(['fine']);
  });
});

describe('SVG charts', () => {
  it('draws one marked point per value, leaves a gap for no figure, and names itself for screen readers', () => {
    const svg = pointChartSvg({
      id: 'c',
      title: 'Clauses <passed>',
      description: 'Three runs',
      xLabels: ['1 May', '2 May', '3 May'],
      series: [
        {
          name: 'Clauses',
          points: [
            { value: 10, text: '10 of 14' },
            { value: null, text: 'no figure' },
            { value: 14, text: '14 of 14' },
          ],
        },
      ],
      yMax: 14,
      yTicks: [{ value: 0, label: '0' }],
      yLabel: 'Clauses',
    });
    expect(svg).toMatch(/^<svg [^>]*role="img"[^>]*aria-labelledby="c-title c-desc"/);
    expect(svg).toContain('<title id="c-title">Clauses &lt;passed&gt;</title>');
    expect([...svg.matchAll(/<circle [^>]*data-value="(\d+)"/g)].map((m) => m[1])).toEqual(['10', '14']);
    // Nothing is drawn between two points a gap separates.
    expect(svg).not.toContain('<polyline');
  });

  it('labels at most six x positions, always the first and the last', () => {
    expect([...labelledPositions(3)]).toEqual([0, 1, 2]);
    const many = [...labelledPositions(50)];
    expect(many).toHaveLength(6);
    expect(many[0]).toBe(0);
    expect(many.at(-1)).toBe(49);
  });
});
