import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { GOVUK_FRONTEND_DIR } from './views.ts';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/**
 * The dashboard's own few rules. The first two give GOV.UK Frontend's font family to the system's Arial: GDS
 * Transport is licensed for GOV.UK services only, and a later @font-face for the same face replaces the earlier
 * one, so the font files are never fetched.
 */
export const DASHBOARD_CSS = `@font-face { font-family: "GDS Transport"; font-weight: 400; src: local("Arial"), local("Helvetica"), local("Liberation Sans"); }
@font-face { font-family: "GDS Transport"; font-weight: 700; src: local("Arial Bold"), local("Arial-BoldMT"), local("Helvetica Bold"), local("Liberation Sans Bold"); }
.app-code { font-family: monospace; font-size: 0.9em; overflow-wrap: anywhere; }
.app-command { background: #f3f2f1; padding: 15px; margin: 0 0 20px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 16px; }
.app-league-table .govuk-table__header, .app-league-table .govuk-table__cell { font-size: 1rem; }
.app-sort-link { white-space: nowrap; }
.app-of { color: #505a5f; }
.app-contract-clause .govuk-list { font-size: inherit; }
.app-review .app-decision { width: 22em; max-width: 100%; }
.app-chart-scroll, .app-table-scroll { overflow-x: auto; margin-bottom: 20px; }
.app-chart-scroll:focus, .app-table-scroll:focus { outline: 3px solid #ffdd00; box-shadow: inset 0 0 0 2px #0b0c0c; }
.app-chart-scroll svg { display: block; width: 100%; min-width: 640px; height: auto; }
.app-level-gap { display: block; font-size: 0.875rem; color: #505a5f; max-width: 16em; }
@media (max-width: 40.0525em) {
  .app-league-table, .app-league-table caption, .app-league-table tbody, .app-league-table tr, .app-league-table tbody td, .app-league-table tbody th { display: block; }
  .app-league-table thead tr { display: flex; flex-wrap: wrap; gap: 0 15px; border-bottom: 2px solid #0b0c0c; padding-bottom: 10px; }
  .app-league-table thead tr::before { content: "Sort by"; font-weight: 700; width: 100%; }
  .app-league-table thead th { display: block; border: 0; padding: 5px 0; text-align: left; }
  .app-league-table tbody tr { border-bottom: 1px solid #b1b4b6; padding: 10px 0; }
  .app-league-table tbody td, .app-league-table tbody th { border: 0; padding: 3px 0; text-align: left; }
  .app-league-table tbody td[data-label]::before { content: attr(data-label) ": "; font-weight: 700; }
  .app-level-gap { max-width: none; }
}
.app-chart { display: block; width: 100%; max-width: 640px; height: auto; margin: 0 0 20px; }
/* A wide table scrolls in its own box; positioned, or visually hidden text (absolutely placed) in it would escape and widen the page. */
.app-table-scroll { position: relative; overflow-x: auto; }
`;

export interface Asset {
  readonly type: string;
  read(): Promise<Buffer | string>;
}

/**
 * Every file that may be served under /assets, listed once at start: a request names an entry of this map or
 * gets a 404, so no path from a request ever reaches the file system.
 */
export function listAssets(): Map<string, Asset> {
  const dist = join(GOVUK_FRONTEND_DIR, 'dist', 'govuk');
  const assets = new Map<string, Asset>();
  const file = (path: string): Asset => {
    let cached: Promise<Buffer> | undefined;
    return {
      type: TYPES[extname(path)] ?? 'application/octet-stream',
      read: () => {
        cached ??= readFile(path);
        return cached;
      },
    };
  };
  // The compiled stylesheet asks for /assets/fonts/… and /assets/images/…, so the assets folder is the root.
  const root = join(dist, 'assets');
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    assets.set(`/assets/${relative(root, path).split(sep).join('/')}`, file(path));
  }
  for (const name of [
    'govuk-frontend.min.css',
    'govuk-frontend.min.css.map',
    'govuk-frontend.min.js',
    'govuk-frontend.min.js.map',
  ])
    assets.set(`/assets/${name}`, file(join(dist, name)));
  assets.set('/assets/dashboard.css', { type: TYPES['.css'] as string, read: async () => DASHBOARD_CSS });
  return assets;
}
