/**
 * The product page's pictures and figures beyond the certificate: the history of its runs as charts, the
 * service statistics of its API over the last 30 and 90 days, and the data quality of the shown run. Each
 * chart is an SVG drawn here (svg-charts.ts) with the same figures in a table on the page.
 */
import type { Level } from '@council-conform/runner';
import { dataQualityRows } from './data-quality.ts';
import type { ReportMeasures } from './report-measures.ts';
import {
  runLatencies,
  STATISTICS_WINDOWS,
  serviceStatistics,
  type WindowStatistics,
} from './service-statistics.ts';
import { CLAUSE_COUNT, type ReportSummary } from './store.ts';
import { pointChartSvg } from './svg-charts.ts';
import { govukDate, LEVEL_LABELS } from './views.ts';

/** The history chart draws the latest this many runs; the table below it lists every one. */
export const HISTORY_CHART_RUNS = 100;
const LEVEL_VALUE: Record<Level, number> = { none: 0, bronze: 1, silver: 2, gold: 3 };
const DAY_MS = 24 * 60 * 60 * 1000;

/** A share as a percentage a person reads: up to two decimals, none needless ("99.5%", "100%"). */
export function percentText(share: number | null): string {
  if (share === null) return 'no figure';
  return `${Number((share * 100).toFixed(2))}%`;
}

export const msText = (ms: number | null) => (ms === null ? 'no figure' : `${ms} ms`);

/** Two charts of the product's runs, oldest first: clauses passed, and level. */
export function historyCharts(reports: readonly ReportSummary[]) {
  const runs = reports.slice(0, HISTORY_CHART_RUNS).reverse();
  const xLabels = runs.map((r) => govukDate(r.runFinishedAt));
  const count = runs.length;
  const clauses = pointChartSvg({
    id: 'history-clauses-chart',
    title: 'Clauses passed in each run',
    description:
      count === 1
        ? `One run, on ${xLabels[0]}: ${runs[0]?.clausesMet} of ${CLAUSE_COUNT} clauses passed.`
        : `${count} runs from ${xLabels[0]} to ${xLabels.at(-1)}. Clauses passed, out of ${CLAUSE_COUNT}: ${runs.map((r) => r.clausesMet).join(', ')}. The table below gives each run.`,
    xLabels,
    series: [
      {
        name: 'Clauses passed',
        points: runs.map((r) => ({ value: r.clausesMet, text: `${r.clausesMet} of ${CLAUSE_COUNT}` })),
      },
    ],
    yMax: CLAUSE_COUNT,
    yTicks: [0, 4, 8, 12, CLAUSE_COUNT].map((value) => ({ value, label: String(value) })),
    yLabel: 'Clauses passed',
    height: 220,
  });
  const levels = pointChartSvg({
    id: 'history-level-chart',
    title: 'Level reached in each run',
    description: `${count === 1 ? 'One run' : `${count} runs`}, oldest first: ${runs
      .map((r) => `${LEVEL_LABELS[r.level] ?? r.level}`)
      .join(', ')}. The table below gives each run.`,
    xLabels,
    series: [
      {
        name: 'Level',
        points: runs.map((r) => ({
          value: LEVEL_VALUE[r.level] ?? 0,
          text: LEVEL_LABELS[r.level] ?? r.level,
        })),
      },
    ],
    yMax: 3,
    yTicks: (['none', 'bronze', 'silver', 'gold'] as const).map((level) => ({
      value: LEVEL_VALUE[level],
      label: LEVEL_LABELS[level],
    })),
    yLabel: 'Level',
    height: 180,
  });
  return { clauses, levels, drawn: count, total: reports.length };
}

/** A window's figures as the page and the open data write them. */
export function statisticsRow(s: WindowStatistics) {
  return {
    days: s.days,
    runs: s.runs,
    exchanges: s.exchanges,
    answered: s.answered,
    serverErrors: s.serverErrors,
    failures: s.failures,
    availability: percentText(s.availability),
    errorRate: percentText(s.errorRate),
    median: msText(s.medianMs),
    p95: msText(s.p95Ms),
  };
}

/** The statistics of the product's runs over each published window, and a chart of each run's latency. */
export function statisticsView(runs: readonly ReportMeasures[], now: Date) {
  const windows = STATISTICS_WINDOWS.map((days) => serviceStatistics(runs, now, days));
  const longest = STATISTICS_WINDOWS.at(-1) ?? 90;
  const perRun = runLatencies(runs, now, longest).filter((r) => r.exchanges > 0);
  const xLabels = perRun.map((r) => govukDate(r.runFinishedAt));
  const top = Math.max(1, ...perRun.map((r) => r.p95Ms ?? 0));
  // Round the axis up to a figure a reader takes in at a glance: 1, 2 or 5 times a power of ten.
  const magnitude = 10 ** Math.floor(Math.log10(top));
  const yMax = [1, 2, 5, 10].map((m) => m * magnitude).find((m) => m >= top) ?? top;
  const chart =
    perRun.length === 0
      ? null
      : pointChartSvg({
          id: 'latency-chart',
          title: `Latency of each run in the last ${longest} days`,
          description: `${perRun.length === 1 ? 'One run' : `${perRun.length} runs`}, oldest first. Median latency: ${perRun
            .map((r) => msText(r.medianMs))
            .join(', ')}. 95th percentile: ${perRun.map((r) => msText(r.p95Ms)).join(', ')}.`,
          xLabels,
          series: [
            { name: 'Median', points: perRun.map((r) => ({ value: r.medianMs, text: msText(r.medianMs) })) },
            {
              name: '95th percentile',
              points: perRun.map((r) => ({ value: r.p95Ms, text: msText(r.p95Ms) })),
            },
          ],
          yMax,
          yTicks: [0, yMax / 2, yMax].map((value) => ({ value, label: `${value} ms` })),
          yLabel: 'Milliseconds',
          height: 240,
        });
  return {
    windows: windows.map(statisticsRow),
    chart,
    perRun: perRun.map((r) => ({ ...r, median: msText(r.medianMs), p95: msText(r.p95Ms) })),
    anyExchanges: windows.some((w) => w.exchanges > 0),
  };
}

/** The earliest run the statistics read. */
export const statisticsSince = (now: Date) =>
  new Date(now.getTime() - Math.max(...STATISTICS_WINDOWS) * DAY_MS);

export function dataQualityView(measures: ReportMeasures | undefined) {
  return measures?.dataQuality ? dataQualityRows(measures.dataQuality) : [];
}
