import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Row, Tables } from './tables.ts';

/** How Repairs Direct names its tables and who may read them. */
export interface DatasetTable {
  readonly id: string;
  readonly path: string;
  readonly schema: string;
  readonly open: boolean;
  /** Query parameter → column it filters on. */
  readonly filters: Readonly<Record<string, string>>;
}

export const DATASETS: readonly DatasetTable[] = [
  {
    id: 'properties',
    path: '/properties',
    schema: 'HousingProperty',
    open: true,
    filters: { uprn: 'uprn', postcode: 'address.postcode', estate_id: 'estate_id' },
  },
  {
    id: 'tenancies',
    path: '/tenancies',
    schema: 'Tenancy',
    open: false,
    filters: { property_id: 'property_id', uprn: 'uprn', status: 'status' },
  },
  {
    id: 'repair_requests',
    path: '/repair-requests',
    schema: 'RepairRequest',
    open: false,
    filters: { property_id: 'property_id', uprn: 'uprn', status: 'status' },
  },
  {
    id: 'work_orders',
    path: '/work-orders',
    schema: 'WorkOrder',
    open: false,
    filters: {
      property_id: 'property_id',
      uprn: 'uprn',
      status: 'status',
      contractor: 'contractor.org_id',
      trade_code: 'trade.code',
    },
  },
  {
    id: 'job_status_updates',
    path: '/job-status-updates',
    schema: 'JobStatusUpdate',
    open: false,
    filters: { work_order_id: 'work_order_id', type_code: 'type_code' },
  },
  {
    id: 'appointments',
    path: '/appointments',
    schema: 'Appointment',
    open: false,
    filters: { work_order_id: 'work_order_id', date: 'date' },
  },
  {
    id: 'person_alerts',
    path: '/person-alerts',
    schema: 'PersonAlert',
    open: false,
    filters: { property_id: 'property_id', tenancy_id: 'tenancy_id' },
  },
];

/** The owner column: the council a row belongs to, or PUBLIC for the landlord's published stock. */
export const PUBLIC = '*';

interface Owned {
  readonly owner: string;
  readonly id: string;
}

/** The whole database: the shredded rows, and per dataset an id-ordered index of (id, owner). */
export class Catalogue {
  readonly tables = new Tables();
  private readonly index = new Map<string, Owned[]>();
  private readonly owners = new Map<string, string>();
  private serial = 0;

  insert(dataset: string, owner: string, record: Record<string, unknown>): void {
    const id = String(record.id);
    this.tables.put(dataset, id, record);
    this.owners.set(`${dataset}:${id}`, owner);
    const list = this.index.get(dataset) ?? [];
    const at = lowerBound(list, id);
    if (list[at]?.id === id) list[at] = { owner, id };
    else list.splice(at, 0, { owner, id });
    this.index.set(dataset, list);
  }

  /** The row of a record the caller may see, or undefined (absent or another council's: the same answer). */
  visible(dataset: string, id: string, tenant: string | undefined): Row | undefined {
    const owner = this.owners.get(`${dataset}:${id}`);
    if (owner === undefined || (owner !== PUBLIC && owner !== tenant)) return undefined;
    return this.tables.row(dataset, id);
  }

  /** Ids the caller may see, in id order, strictly after `after` when given. */
  *idsFor(dataset: string, tenant: string | undefined, after?: string): Generator<string> {
    const list = this.index.get(dataset) ?? [];
    let at = after === undefined ? 0 : lowerBound(list, after);
    if (after !== undefined && list[at]?.id === after) at += 1;
    for (; at < list.length; at++) {
      const entry = list[at] as Owned;
      if (entry.owner === PUBLIC || entry.owner === tenant) yield entry.id;
    }
  }

  record(dataset: string, row: Row): Record<string, unknown> {
    return this.tables.assemble(dataset, row);
  }

  /** A new id in the dataset's own pattern (prefix and five digits), never used before. */
  nextId(dataset: string, prefix: string): string {
    for (;;) {
      this.serial += 1;
      const id = `${prefix}${String(70000 + this.serial).padStart(5, '0')}`;
      if (!this.owners.has(`${dataset}:${id}`)) return id;
    }
  }
}

function lowerBound(list: readonly Owned[], id: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as Owned).id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The second council's own records: a handful per personal dataset, under its own id prefix. */
const SECOND_COUNCIL_PREFIX = 'ISL-';

/** Loads the fixtures: properties public, every personal record the first council's, a few the second's. */
export function seed(specsDir: string, tenants: { a: string; b: string }): Catalogue {
  const catalogue = new Catalogue();
  for (const dataset of DATASETS) {
    const file = join(specsDir, 'housing-repairs', 'fixtures', `${dataset.id}.json`);
    const records = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
    for (const record of records) catalogue.insert(dataset.id, dataset.open ? PUBLIC : tenants.a, record);
    if (dataset.open) continue;
    // The second council: five records shaped like the first's, renumbered, with their links kept.
    records.slice(7, 12).forEach((record) => {
      const copy = structuredClone(record);
      copy.id = `${SECOND_COUNCIL_PREFIX}${String(record.id)}`;
      catalogue.insert(dataset.id, tenants.b, copy);
    });
  }
  return catalogue;
}
