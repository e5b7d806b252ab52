/**
 * Repairs Direct keeps nothing as documents. Every record is shredded into rows of relational-style tables:
 * a root table per dataset whose columns are the record's scalar fields (nested objects flattened into
 * dotted columns such as `priority.code`), and one child table per array (`work_orders/work_elements`,
 * `work_orders/work_elements/rate_schedule_items`…) whose rows carry their parent's key and an ordinal.
 * A record is assembled from those rows on the way out, so what is served is always re-built, never stored.
 */

export type Scalar = string | number | boolean | null;

/** A column is a dotted path to a scalar, a marker `path{}` for an object, or `path[]` holding an array length. */
export interface Row {
  readonly key: string;
  readonly cells: Map<string, Scalar>;
}

export class Tables {
  private readonly tables = new Map<string, Map<string, Row>>();

  private table(name: string): Map<string, Row> {
    let table = this.tables.get(name);
    if (!table) {
      table = new Map();
      this.tables.set(name, table);
    }
    return table;
  }

  row(table: string, key: string): Row | undefined {
    return this.tables.get(table)?.get(key);
  }

  /** Shreds a JSON object into `table` under `key` (replacing what was there) and its arrays into child tables. */
  put(table: string, key: string, record: Record<string, unknown>): Row {
    const cells = new Map<string, Scalar>();
    this.flatten(table, key, '', record, cells);
    const row = { key, cells };
    this.table(table).set(key, row);
    return row;
  }

  private flatten(
    table: string,
    key: string,
    prefix: string,
    value: Record<string, unknown>,
    cells: Map<string, Scalar>,
  ): void {
    for (const [field, v] of Object.entries(value)) {
      const column = prefix ? `${prefix}.${field}` : field;
      if (Array.isArray(v)) {
        cells.set(`${column}[]`, v.length);
        const child = `${table}/${column}`;
        v.forEach((item, ordinal) => {
          const childKey = `${key}#${ordinal}`;
          if (item !== null && typeof item === 'object' && !Array.isArray(item))
            this.put(child, childKey, item as Record<string, unknown>);
          else this.table(child).set(childKey, { key: childKey, cells: new Map([['=', item as Scalar]]) });
        });
      } else if (v !== null && typeof v === 'object') {
        cells.set(`${column}{}`, true);
        this.flatten(table, key, column, v as Record<string, unknown>, cells);
      } else cells.set(column, v as Scalar);
    }
  }

  /** Re-builds the JSON object a row was shredded from, joining its child tables. */
  assemble(table: string, row: Row): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [column, value] of row.cells) {
      if (column.endsWith('[]')) {
        const path = column.slice(0, -2);
        const child = `${table}/${path}`;
        const items: unknown[] = [];
        for (let ordinal = 0; ordinal < Number(value); ordinal++) {
          const childRow = this.row(child, `${row.key}#${ordinal}`);
          if (!childRow) continue;
          items.push(childRow.cells.has('=') ? childRow.cells.get('=') : this.assemble(child, childRow));
        }
        setPath(out, path, items);
      } else if (column.endsWith('{}')) {
        setPath(out, column.slice(0, -2), {}, true);
      } else setPath(out, column, value);
    }
    return out;
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown, keep = false): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object') node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1] as string;
  if (keep && node[last] !== undefined) return;
  node[last] = value;
}
