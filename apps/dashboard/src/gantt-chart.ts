import type { Council } from '@council-conform/contracts';
import type { Level } from '@council-conform/runner';
import { escapeXml } from './svg-charts.ts';

/**
 * The contract-expiry timeline drawn as an SVG Gantt chart on the server: councils down, time across, each
 * contract a bar from its start to its end, shaded by what its product scores. No script draws it, so it shows
 * the same with JavaScript off, and the table below it carries every figure for screen readers and copying.
 */

/** How a bar is shaded: the product's level, or that no product is linked to the contract. */
export type BarStanding = Level | 'unlinked';

export interface GanttContract {
  readonly council: Council;
  readonly reference: string;
  readonly title: string;
  readonly startDate: string | null;
  readonly endDate: string | null;
  readonly standing: BarStanding;
}

export interface GanttWindow {
  /** First day of the window's first quarter, ISO 8601. */
  readonly from: string;
  /** Last day of its last quarter. */
  readonly to: string;
  readonly label: string;
}

export interface GanttInput {
  readonly id: string;
  readonly title: string;
  readonly contracts: readonly GanttContract[];
  readonly windows: readonly GanttWindow[];
  /** Today, ISO 8601 (a date, or a timestamp whose date is used). */
  readonly today: string;
}

/** The chart's geometry, in SVG user units; the SVG scales to its container, so these are proportions. */
export const GANTT_LAYOUT = {
  width: 960,
  labelWidth: 190,
  rightMargin: 120,
  top: 44,
  lane: 30,
  barHeight: 16,
  bottom: 30,
} as const;

/** Each standing's colour, fill pattern and word: the colour is never the only sign (WCAG 1.4.1). */
export const STANDING_STYLES: Record<
  BarStanding,
  { readonly label: string; readonly colour: string; readonly pattern: string }
> = {
  gold: { label: 'Gold', colour: '#7a5c00', pattern: 'solid' },
  silver: { label: 'Silver', colour: '#505a5f', pattern: 'stripes' },
  bronze: { label: 'Bronze', colour: '#8f4a1a', pattern: 'dots' },
  none: { label: 'No level', colour: '#b32b16', pattern: 'cross-hatch' },
  unlinked: { label: 'No listed product', colour: '#0b0c0c', pattern: 'outline' },
};

const DAY_MS = 86_400_000;

function dayNumber(isoDate: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}/.test(isoDate)
    ? Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`)
    : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`"${isoDate}" is not an ISO 8601 date`);
  return ms / DAY_MS;
}

const isoOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The time axis: whole calendar years, from the earliest start (or today) to the latest end (or a year on). */
export interface TimeScale {
  /** First day drawn, ISO 8601: a 1 January. */
  readonly start: string;
  /** The day after the last day drawn: the next 1 January. */
  readonly end: string;
  /** Where the start of a day falls, in user units. */
  x(isoDate: string): number;
}

export function timeScale(dates: readonly string[], today: string): TimeScale {
  const years = [...dates, today].map((date) => Number(date.slice(0, 4)));
  const first = Math.min(...years);
  // At least a year beyond today, so that a window about to open is never drawn against the edge.
  const last = Math.max(...years, Number(today.slice(0, 4)) + 1);
  const start = `${first}-01-01`;
  const end = `${last + 1}-01-01`;
  const from = dayNumber(start);
  const days = dayNumber(end) - from;
  const { labelWidth, width, rightMargin } = GANTT_LAYOUT;
  const plot = width - labelWidth - rightMargin;
  return { start, end, x: (date) => labelWidth + ((dayNumber(date) - from) / days) * plot };
}

/** The bar of a contract: from the start of its first day to the end of its last. */
export function barExtent(scale: TimeScale, contract: GanttContract): { x: number; width: number } {
  const x = scale.x(contract.startDate ?? scale.start);
  const end = scale.x(isoOf(dayNumber(contract.endDate as string) + 1));
  return { x, width: Math.max(end - x, 1) };
}

const round = (n: number) => Math.round(n * 100) / 100;

const GOVUK_DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const dateText = (iso: string) => GOVUK_DATE.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`));

function patternDefs(id: string): string {
  return (Object.entries(STANDING_STYLES) as [BarStanding, (typeof STANDING_STYLES)[BarStanding]][])
    .map(([standing, style]) => {
      const pid = `${id}-${standing}`;
      const c = style.colour;
      switch (style.pattern) {
        case 'stripes':
          return `<pattern id="${pid}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${c}"/><rect width="2" height="6" fill="#ffffff"/></pattern>`;
        case 'dots':
          return `<pattern id="${pid}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="${c}"/><circle cx="3" cy="3" r="1.3" fill="#ffffff"/></pattern>`;
        case 'cross-hatch':
          return `<pattern id="${pid}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="${c}"/><path d="M0 0L6 6M6 0L0 6" stroke="#ffffff" stroke-width="1.2"/></pattern>`;
        case 'outline':
          return `<pattern id="${pid}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#ffffff"/></pattern>`;
        default:
          return `<pattern id="${pid}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="${c}"/></pattern>`;
      }
    })
    .join('');
}

/** The chart's lanes: one per contract with an end date, grouped by council, each council's by start date. */
function lanesOf(contracts: readonly GanttContract[]): GanttContract[] {
  return contracts
    .filter((c) => c.endDate !== null)
    .sort(
      (a, b) =>
        a.council.name.localeCompare(b.council.name, 'en-GB') ||
        (a.startDate ?? '').localeCompare(b.startDate ?? '') ||
        (a.endDate as string).localeCompare(b.endDate as string) ||
        a.reference.localeCompare(b.reference),
    );
}

/** A plain-words account of what the chart shows: its `<desc>`. */
function description(input: GanttInput, lanes: readonly GanttContract[], scale: TimeScale): string {
  const councils = new Set(lanes.map((c) => c.council.code)).size;
  const parts = [
    `${lanes.length} ${lanes.length === 1 ? 'contract' : 'contracts'} held by ${councils} ${councils === 1 ? 'council' : 'councils'}, drawn from ${dateText(scale.start)} to ${dateText(isoOf(dayNumber(scale.end) - 1))}; today, ${dateText(input.today)}, is marked by a vertical line.`,
  ];
  parts.push(
    input.windows.length
      ? `Joint procurement ${input.windows.length === 1 ? 'window' : 'windows'}, shaded: ${input.windows.map((w) => w.label).join('; ')}.`
      : 'No joint procurement window.',
  );
  for (const contract of lanes)
    parts.push(
      `${contract.council.name}, ${contract.title}: ${contract.startDate ? `from ${dateText(contract.startDate)}` : 'start not known'} to ${dateText(contract.endDate as string)}, ${STANDING_STYLES[contract.standing].label.toLowerCase()}.`,
    );
  parts.push('The table below the chart lists every contract.');
  return parts.join(' ');
}

/** The chart as SVG markup, ready to put in the page as it is. */
export function ganttChart(input: GanttInput): string {
  const lanes = lanesOf(input.contracts);
  // Every date checked before any is used, so that a bad one is named as it was given.
  for (const contract of lanes)
    for (const date of [contract.startDate, contract.endDate]) if (date) dayNumber(date);
  dayNumber(input.today);
  const today = input.today.slice(0, 10);
  const scale = timeScale(
    lanes.flatMap((c) => [c.startDate, c.endDate].filter((d): d is string => d !== null)),
    today,
  );
  const { width, labelWidth, rightMargin, top, lane, barHeight, bottom } = GANTT_LAYOUT;
  const plotBottom = top + Math.max(lanes.length, 1) * lane;
  const height = plotBottom + bottom + 40;
  const id = escapeXml(input.id);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-gantt" id="${id}" role="img" font-family="Arial, sans-serif" fill="#0b0c0c" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-labelledby="${id}-title ${id}-desc"`,
    ` data-scale-start="${scale.start}" data-scale-end="${scale.end}" data-plot-x="${labelWidth}" data-plot-width="${width - labelWidth - rightMargin}">`,
    `<title id="${id}-title">${escapeXml(input.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(description(input, lanes, scale))}</desc>`,
    `<defs>${patternDefs(id)}</defs>`,
  );
  // Joint windows first, so bars are drawn over them.
  for (const window of input.windows) {
    const x = scale.x(window.from);
    const end = scale.x(isoOf(dayNumber(window.to) + 1));
    out.push(
      `<g class="app-gantt-window" data-from="${window.from}" data-to="${window.to}"><rect x="${round(x)}" y="${top - 6}" width="${round(end - x)}" height="${plotBottom - top + 12}" fill="#d2e2f1"/>`,
      `<text x="${round(x + 3)}" y="${top - 10}" font-size="12">Joint window: ${escapeXml(window.label)}</text></g>`,
    );
  }
  // Years across the top, with a light line at each 1 January.
  const firstYear = Number(scale.start.slice(0, 4));
  const lastYear = Number(scale.end.slice(0, 4));
  for (let year = firstYear; year <= lastYear; year++) {
    const x = round(scale.x(`${year}-01-01`));
    out.push(
      `<line x1="${x}" x2="${x}" y1="${top - 6}" y2="${plotBottom + 6}" stroke="#b1b4b6" stroke-width="1"/>`,
    );
    if (year < lastYear)
      out.push(`<text x="${round(x + 3)}" y="${plotBottom + 22}" font-size="13">${year}</text>`);
  }
  let previous: string | undefined;
  lanes.forEach((contract, index) => {
    const y = top + index * lane;
    const style = STANDING_STYLES[contract.standing];
    if (contract.council.code !== previous) {
      if (index > 0)
        out.push(`<line x1="0" x2="${width}" y1="${y}" y2="${y}" stroke="#b1b4b6" stroke-width="1"/>`);
      out.push(
        `<text x="4" y="${y + lane / 2 + 5}" font-size="14" font-weight="700">${escapeXml(contract.council.name)}</text>`,
      );
      previous = contract.council.code;
    }
    const { x, width: barWidth } = barExtent(scale, contract);
    const barY = y + (lane - barHeight) / 2;
    out.push(
      `<g class="app-gantt-bar" data-council="${escapeXml(contract.council.code)}" data-reference="${escapeXml(contract.reference)}" data-start="${contract.startDate ?? ''}" data-end="${contract.endDate}" data-standing="${contract.standing}">`,
      `<rect x="${round(x)}" y="${barY}" width="${round(barWidth)}" height="${barHeight}" fill="url(#${id}-${contract.standing})" stroke="${style.colour}" stroke-width="1.5"${contract.standing === 'unlinked' ? ' stroke-dasharray="4 2"' : ''}/>`,
      `<text x="${round(x + barWidth + 4)}" y="${barY + barHeight - 3}" font-size="12">${escapeXml(style.label)}</text></g>`,
    );
  });
  const todayX = round(scale.x(today));
  out.push(
    `<g class="app-gantt-today" data-date="${today}"><line x1="${todayX}" x2="${todayX}" y1="${top - 20}" y2="${plotBottom + 8}" stroke="#0b0c0c" stroke-width="2" stroke-dasharray="6 3"/>`,
    `<text x="${round(todayX + 4)}" y="${top - 24}" font-size="12" font-weight="700">Today</text></g>`,
  );
  // The key: each standing's swatch beside its word.
  const keyY = plotBottom + 40;
  let keyX = 4;
  for (const [standing, style] of Object.entries(STANDING_STYLES) as [
    BarStanding,
    (typeof STANDING_STYLES)[BarStanding],
  ][]) {
    out.push(
      `<rect x="${keyX}" y="${keyY}" width="24" height="14" fill="url(#${id}-${standing})" stroke="${style.colour}" stroke-width="1.5"${standing === 'unlinked' ? ' stroke-dasharray="4 2"' : ''}/>`,
      `<text x="${keyX + 30}" y="${keyY + 12}" font-size="13">${style.label}</text>`,
    );
    keyX += 40 + style.label.length * 8;
  }
  out.push(
    `<rect x="${keyX}" y="${keyY}" width="24" height="14" fill="#d2e2f1"/><text x="${keyX + 30}" y="${keyY + 12}" font-size="13">Joint window</text>`,
  );
  out.push('</svg>');
  return out.join('');
}
