import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * DirectoryHub keeps every record as a flat row: one cell per leaf, keyed by its path (`organization.name`,
 * `phones[0].number`), with HSDS identifiers stored compact (32 upper-case hex digits, no dashes), the way
 * its search index wants them. Records are rebuilt in ORUK's shape on the way out.
 */
export type Cell = string | number | boolean | null;
export type FlatRow = Map<string, Cell | '[]' | '{}'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const COMPACT = /^[0-9A-F]{32}$/;
const isIdKey = (key: string) => key === 'id' || key.endsWith('_id');

function compact(key: string, value: unknown): unknown {
  return isIdKey(key) && typeof value === 'string' && UUID.test(value)
    ? value.replaceAll('-', '').toUpperCase()
    : value;
}

function expand(key: string, value: unknown): unknown {
  if (!isIdKey(key) || typeof value !== 'string' || !COMPACT.test(value)) return value;
  const h = value.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Strings that would read as structure markers are kept apart from them. */
const MARKERS = new Set(['[]', '{}']);

function flatten(value: unknown, path: string, key: string, row: FlatRow): void {
  if (Array.isArray(value)) {
    if (value.length === 0) row.set(path, '[]');
    for (const [index, item] of value.entries()) flatten(item, `${path}[${index}]`, key, row);
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) row.set(path, '{}');
    for (const [k, v] of entries) flatten(v, path === '' ? k : `${path}.${k}`, k, row);
  } else {
    const stored = compact(key, value) as Cell;
    row.set(path, typeof stored === 'string' && MARKERS.has(stored) ? `\u0000${stored}` : stored);
  }
}

export function toRow(record: Record<string, unknown>): FlatRow {
  const row: FlatRow = new Map();
  flatten(record, '', '', row);
  return row;
}

type Tree = Record<string, unknown> | unknown[];

/** Rebuilds the ORUK record from its flat row, in the order the cells were written. */
export function fromRow(row: FlatRow): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, cell] of row) {
    const steps = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) =>
      m[2] !== undefined ? Number(m[2]) : (m[1] as string),
    );
    let node: Tree = root;
    steps.forEach((step, i) => {
      const last = i === steps.length - 1;
      const container = node as Record<string | number, unknown>;
      if (last) {
        const key =
          typeof step === 'string' ? step : String(steps.findLast((s) => typeof s === 'string') ?? '');
        container[step] =
          cell === '[]'
            ? []
            : cell === '{}'
              ? {}
              : typeof cell === 'string' && cell.startsWith('\u0000')
                ? cell.slice(1)
                : expand(key, cell);
        return;
      }
      if (container[step] === undefined) container[step] = typeof steps[i + 1] === 'number' ? [] : {};
      node = container[step] as Tree;
    });
  }
  return root;
}

export interface Shelf {
  /** Compact id → row, in the directory's publication order. */
  readonly rows: Map<string, FlatRow>;
}

export const DATASETS = [
  'services',
  'service_at_locations',
  'organizations',
  'taxonomies',
  'taxonomy_terms',
] as const;
export type DatasetId = (typeof DATASETS)[number];

export function loadShelves(specsDir: string): Record<DatasetId, Shelf> {
  const shelves = {} as Record<DatasetId, Shelf>;
  for (const dataset of DATASETS) {
    const records = JSON.parse(
      readFileSync(join(specsDir, 'service-directory', 'fixtures', `${dataset}.json`), 'utf8'),
    ) as Record<string, unknown>[];
    shelves[dataset] = { rows: new Map(records.map((r) => [String(compact('id', r.id)), toRow(r)])) };
  }
  return shelves;
}

export const compactId = (id: string) => String(compact('id', id));
