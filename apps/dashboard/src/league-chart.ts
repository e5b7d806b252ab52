import type { LeagueRow } from './store.ts';
import { barChartSvg } from './svg-charts.ts';
import { LEVEL_LABELS } from './views.ts';

/** Names longer than this are shortened on the chart (the bar's label column is narrow); its description and
 * the table keep them whole. */
const LABEL_CHARS = 22;

const shortened = (name: string) =>
  name.length <= LABEL_CHARS ? name : `${name.slice(0, LABEL_CHARS - 1).trimEnd()}…`;

/**
 * The league table as a picture: clauses passed by each product listed, one bar a product in the table's
 * order, its figure written at the end. The description and the table below give every figure with its level.
 */
export function leagueChart(rows: readonly LeagueRow[], clauseCount: number): string {
  return barChartSvg({
    id: 'league-chart',
    title: `Clauses passed out of ${clauseCount}, by product`,
    description: `${rows
      .map((row) => `${row.productName}: ${row.clausesMet} of ${clauseCount}, ${LEVEL_LABELS[row.level]}`)
      .join('; ')}. The table below gives the same figures with each product's certificate.`,
    bars: rows.map((row) => ({
      label: shortened(row.productName),
      value: row.clausesMet,
      text: `${row.clausesMet} of ${clauseCount}`,
    })),
    max: clauseCount,
  });
}
