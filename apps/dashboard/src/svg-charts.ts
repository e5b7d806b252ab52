/**
 * Small charts drawn on the server as SVG: no client-side script, no chart library. Each chart is an image
 * with a name and a description a screen reader gives (`role="img"`, `<title>`, `<desc>`); the page shows the
 * same figures in a table beside it, for anyone who cannot see the picture or wants to copy the numbers.
 *
 * Colours are GOV.UK's, each at least 3:1 against white (WCAG 1.4.11 for graphics); text is 4.5:1 or more.
 * The SVG is sized by its viewBox and scaled by `.app-chart` in the dashboard's stylesheet: the page's
 * Content Security Policy allows no inline style.
 */
import { escapeXml } from './badge.ts';

export { escapeXml };

export const CHART_COLOURS = {
  text: '#0b0c0c',
  secondaryText: '#505a5f',
  grid: '#b1b4b6',
  series: ['#1d70b8', '#912b88', '#00703c'],
} as const;

export interface ChartPoint {
  /** The value on the y axis; null for a point with no figure (drawn as a gap, said as "no figure"). */
  readonly value: number | null;
  /** The value in words, as a tooltip and screen reader give it, e.g. "11 of 14" or "120 ms". */
  readonly text: string;
}

export interface ChartSeries {
  readonly name: string;
  /** One point per x position, in the order of `xLabels`. */
  readonly points: readonly ChartPoint[];
}

export interface AxisTick {
  readonly value: number;
  readonly label: string;
}

export interface PointChartInput {
  /** Unique on the page: the title and description are referred to by ids made from it. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** The x positions, left to right (e.g. each run's date). */
  readonly xLabels: readonly string[];
  readonly series: readonly ChartSeries[];
  readonly yMin?: number;
  readonly yMax: number;
  readonly yTicks: readonly AxisTick[];
  /** The y axis's name, written above it. */
  readonly yLabel: string;
  readonly width?: number;
  readonly height?: number;
}

const MARGIN = { top: 28, right: 16, bottom: 40, left: 64 } as const;
const FONT = 'font-family="Arial, Helvetica, sans-serif"';
/** At most this many x labels are written; more would overlap. Every point keeps its own title. */
const MAX_X_LABELS = 6;

const round = (n: number) => Math.round(n * 10) / 10;

function svgOpen(id: string, title: string, description: string, width: number, height: number): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" id="${escapeXml(id)}" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-labelledby="${escapeXml(id)}-title ${escapeXml(id)}-desc">`,
    `<title id="${escapeXml(id)}-title">${escapeXml(title)}</title>`,
    `<desc id="${escapeXml(id)}-desc">${escapeXml(description)}</desc>`,
  ].join('');
}

/** Which of `count` x positions get a written label: the first, the last and evenly spaced ones between. */
export function labelledPositions(count: number, most = MAX_X_LABELS): Set<number> {
  if (count <= most) return new Set(Array.from({ length: count }, (_, i) => i));
  const step = (count - 1) / (most - 1);
  return new Set(Array.from({ length: most }, (_, i) => Math.round(i * step)));
}

/**
 * Points joined by lines, one line per series, over x positions spaced evenly (runs, not calendar time: a
 * chart of runs reads best when each run has the same room). Each point is a `<circle>` (first series),
 * `<rect>` (second) or diamond (third) carrying `data-series`, `data-x` and `data-value`, and a `<title>`
 * with its figure in words.
 */
export function pointChartSvg(input: PointChartInput): string {
  const width = input.width ?? 640;
  const height = input.height ?? 240;
  const yMin = input.yMin ?? 0;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const count = input.xLabels.length;
  const xOf = (i: number) =>
    round(MARGIN.left + (count <= 1 ? plotWidth / 2 : (i * plotWidth) / (count - 1)));
  const span = input.yMax - yMin || 1;
  const yOf = (v: number) =>
    round(MARGIN.top + plotHeight - ((Math.min(Math.max(v, yMin), input.yMax) - yMin) * plotHeight) / span);
  const parts = [svgOpen(input.id, input.title, input.description, width, height)];
  parts.push(
    `<text x="4" y="14" ${FONT} font-size="12" fill="${CHART_COLOURS.secondaryText}">${escapeXml(input.yLabel)}</text>`,
  );
  for (const tick of input.yTicks) {
    const y = yOf(tick.value);
    parts.push(
      `<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y}" y2="${y}" stroke="${CHART_COLOURS.grid}" stroke-width="1"/>`,
      `<text x="${MARGIN.left - 6}" y="${y + 4}" ${FONT} font-size="12" text-anchor="end" fill="${CHART_COLOURS.secondaryText}">${escapeXml(tick.label)}</text>`,
    );
  }
  const labelled = labelledPositions(count);
  input.xLabels.forEach((label, i) => {
    if (!labelled.has(i)) return;
    const anchor = count > 1 && i === 0 ? 'start' : count > 1 && i === count - 1 ? 'end' : 'middle';
    parts.push(
      `<text x="${xOf(i)}" y="${height - MARGIN.bottom + 20}" ${FONT} font-size="12" text-anchor="${anchor}" fill="${CHART_COLOURS.secondaryText}">${escapeXml(label)}</text>`,
    );
  });
  input.series.forEach((series, s) => {
    const colour = CHART_COLOURS.series[s % CHART_COLOURS.series.length] as string;
    // A gap (no figure) breaks the line, so that nothing is drawn that was not measured.
    const runs: string[][] = [[]];
    series.points.forEach((point, i) => {
      if (point.value === null) runs.push([]);
      else runs.at(-1)?.push(`${xOf(i)},${yOf(point.value)}`);
    });
    for (const run of runs)
      if (run.length > 1)
        parts.push(
          `<polyline points="${run.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"${s === 1 ? ' stroke-dasharray="6 4"' : ''}/>`,
        );
    series.points.forEach((point, i) => {
      if (point.value === null) return;
      const x = xOf(i);
      const y = yOf(point.value);
      const data = `data-series="${escapeXml(series.name)}" data-x="${escapeXml(input.xLabels[i] ?? '')}" data-value="${point.value}"`;
      const title = `<title>${escapeXml(`${series.name}, ${input.xLabels[i] ?? ''}: ${point.text}`)}</title>`;
      const shape = s % 3;
      if (shape === 0)
        parts.push(`<circle cx="${x}" cy="${y}" r="4.5" fill="${colour}" ${data}>${title}</circle>`);
      else if (shape === 1)
        parts.push(
          `<rect x="${x - 4}" y="${y - 4}" width="8" height="8" fill="${colour}" ${data}>${title}</rect>`,
        );
      else
        parts.push(
          `<polygon points="${x},${y - 5} ${x + 5},${y} ${x},${y + 5} ${x - 5},${y}" fill="${colour}" ${data}>${title}</polygon>`,
        );
    });
  });
  if (input.series.length > 1) {
    let x = MARGIN.left;
    input.series.forEach((series, s) => {
      const colour = CHART_COLOURS.series[s % CHART_COLOURS.series.length] as string;
      parts.push(
        `<line x1="${x}" x2="${x + 18}" y1="${height - 8}" y2="${height - 8}" stroke="${colour}" stroke-width="2"${s === 1 ? ' stroke-dasharray="6 4"' : ''}/>`,
        `<text x="${x + 24}" y="${height - 4}" ${FONT} font-size="12" fill="${CHART_COLOURS.text}">${escapeXml(series.name)}</text>`,
      );
      x += 36 + series.name.length * 7;
    });
  }
  parts.push('</svg>');
  return parts.join('');
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** The value in words, written at the end of the bar. */
  readonly text: string;
}

export interface BarChartInput {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly bars: readonly Bar[];
  /** The value a full-width bar stands for. */
  readonly max: number;
  readonly width?: number;
}

const BAR_HEIGHT = 22;
const BAR_GAP = 12;
const BAR_LABEL_WIDTH = 180;
const BAR_TEXT_WIDTH = 90;

/** Horizontal bars, one a row, each labelled on its left and given its figure on its right. */
export function barChartSvg(input: BarChartInput): string {
  const width = input.width ?? 640;
  const height = input.bars.length * (BAR_HEIGHT + BAR_GAP) + BAR_GAP;
  const plotWidth = width - BAR_LABEL_WIDTH - BAR_TEXT_WIDTH;
  const parts = [svgOpen(input.id, input.title, input.description, width, height)];
  input.bars.forEach((bar, i) => {
    const y = BAR_GAP + i * (BAR_HEIGHT + BAR_GAP);
    const length = round((Math.min(Math.max(bar.value, 0), input.max) / (input.max || 1)) * plotWidth);
    const colour = CHART_COLOURS.series[0];
    parts.push(
      `<text x="${BAR_LABEL_WIDTH - 8}" y="${y + 16}" ${FONT} font-size="13" text-anchor="end" fill="${CHART_COLOURS.text}">${escapeXml(bar.label)}</text>`,
      `<rect x="${BAR_LABEL_WIDTH}" y="${y}" width="${plotWidth}" height="${BAR_HEIGHT}" fill="none" stroke="${CHART_COLOURS.grid}"/>`,
      `<rect x="${BAR_LABEL_WIDTH}" y="${y}" width="${length}" height="${BAR_HEIGHT}" fill="${colour}" data-bar="${escapeXml(bar.label)}" data-value="${bar.value}"><title>${escapeXml(`${bar.label}: ${bar.text}`)}</title></rect>`,
      `<text x="${BAR_LABEL_WIDTH + plotWidth + 8}" y="${y + 16}" ${FONT} font-size="13" fill="${CHART_COLOURS.text}">${escapeXml(bar.text)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
