import type { LeagueRow } from './store.ts';

export const escapeXml = (text: string) =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');

// Each fill keeps white 11px text above the 4.5:1 contrast WCAG asks for.
const COLOURS = {
  label: '#0b0c0c',
  certified: '#00703c',
  'self-assessed': '#1d70b8',
  expired: '#505a5f',
  unknown: '#505a5f',
} as const;

// Verdana at 11px averages a little under 7px a character; measuring needs a font the server may not have.
const widthOf = (text: string) => Math.round(text.length * 6.8) + 14;

/**
 * A badge a supplier may put on its site, linking back to the product page. Readable by a screen reader
 * (role="img" with a <title>), and what it says comes from the dashboard, never from the supplier's page.
 */
export function badgeSvg(row: LeagueRow | undefined, id: string): string {
  const label = 'Council Conform';
  let value: string;
  let colour: string;
  let title: string;
  if (!row) {
    value = 'not listed';
    colour = COLOURS.unknown;
    title = 'Council Conform: this product is not listed on the dashboard';
  } else {
    const status = row.expired ? 'expired' : row.status;
    const level = row.level === 'none' ? 'no level' : row.level;
    value = `${level} · ${status}`;
    // Green says "meets the checklist"; a certified run that reached no level must not look like one.
    colour = row.level === 'none' ? COLOURS.unknown : COLOURS[status];
    title = `Council Conform: ${row.productName} by ${row.supplierName} is at level ${row.level} on ${row.systemType}, ${
      row.expired
        ? `certificate expired on ${row.expiresAt.slice(0, 10)}`
        : `${row.status} until ${row.expiresAt.slice(0, 10)}`
    }`;
  }
  const left = widthOf(label);
  const right = widthOf(value);
  const titleId = `badge-title-${id}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + right}" height="20" viewBox="0 0 ${left + right} 20" role="img" aria-labelledby="${escapeXml(titleId)}">
  <title id="${escapeXml(titleId)}">${escapeXml(title)}</title>
  <rect width="${left}" height="20" fill="${COLOURS.label}"/>
  <rect x="${left}" width="${right}" height="20" fill="${colour}"/>
  <g fill="#ffffff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle" aria-hidden="true">
    <text x="${left / 2}" y="14">${escapeXml(label)}</text>
    <text x="${left + right / 2}" y="14">${escapeXml(value)}</text>
  </g>
</svg>
`;
}
