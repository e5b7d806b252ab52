/**
 * The data quality a run measured in the records it read (`report.dataQuality`, added to reports in issue 22):
 * per dataset, how many records carry the identifiers councils join on (UPRN, USRN, GSS code) and how many of
 * those are valid, how many dates parse and how many fields are filled. Older reports have none, and a report
 * is the supplier's JSON: it is read defensively, and anything malformed is left out rather than shown wrong.
 */
import { fieldOf, isRecord, listOf } from './unknown-value.ts';

export type IdentifierKind = 'uprn' | 'usrn' | 'gss';

export interface DatasetQuality {
  readonly dataset: string;
  readonly title: string;
  readonly recordsRead: number;
  readonly identifiers: readonly {
    readonly kind: IdentifierKind;
    readonly field: string;
    readonly present: number;
    readonly valid: number;
  }[];
  readonly dates: { readonly values: number; readonly parsed: number };
  readonly filled: { readonly values: number; readonly filled: number };
}

export interface DataQuality {
  readonly datasets: readonly DatasetQuality[];
}

const KINDS: ReadonlySet<string> = new Set(['uprn', 'usrn', 'gss']);
/** More than any profile has; a longer list is not a report's honest measure. */
const MAX_DATASETS = 100;
const MAX_IDENTIFIERS = 20;
const MAX_NAME = 200;

const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
const name = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_NAME ? value : undefined;

/** A pair of counts where the part is no more than the whole. */
function part(value: unknown, whole: string, of: string): { whole: number; part: number } | undefined {
  const w = count(fieldOf(value, whole));
  const p = count(fieldOf(value, of));
  return w !== undefined && p !== undefined && p <= w ? { whole: w, part: p } : undefined;
}

function dataset(value: unknown): DatasetQuality | undefined {
  if (!isRecord(value)) return undefined;
  const id = name(value.dataset);
  const recordsRead = count(value.recordsRead);
  const dates = part(value.dates, 'values', 'parsed');
  const filled = part(value.filled, 'values', 'filled');
  if (id === undefined || recordsRead === undefined || !dates || !filled) return undefined;
  const identifiers: DatasetQuality['identifiers'][number][] = [];
  for (const identifier of listOf(value.identifiers).slice(0, MAX_IDENTIFIERS)) {
    const kind = fieldOf(identifier, 'kind');
    const field = name(fieldOf(identifier, 'field'));
    const present = count(fieldOf(identifier, 'present'));
    const valid = count(fieldOf(identifier, 'valid'));
    if (typeof kind !== 'string' || !KINDS.has(kind) || field === undefined) continue;
    if (present === undefined || valid === undefined || valid > present || present > recordsRead) continue;
    identifiers.push({ kind: kind as IdentifierKind, field, present, valid });
  }
  return {
    dataset: id,
    title: name(value.title) ?? id,
    recordsRead,
    identifiers,
    dates: { values: dates.whole, parsed: dates.part },
    filled: { values: filled.whole, filled: filled.part },
  };
}

/** The report's data quality, or null when it has none (an older report) or none that reads. */
export function readDataQuality(value: unknown): DataQuality | null {
  const datasets = listOf(fieldOf(value, 'datasets'))
    .slice(0, MAX_DATASETS)
    .map(dataset)
    .filter((d): d is DatasetQuality => d !== undefined);
  return datasets.length > 0 ? { datasets } : null;
}

export const IDENTIFIER_NAMES: Record<IdentifierKind, string> = {
  uprn: 'UPRN (property)',
  usrn: 'USRN (street)',
  gss: 'GSS code (area)',
};

/** A share as a person reads it: "97.5%", or "none to measure" for 0 of 0. */
export function shareText(part: number, whole: number): string {
  if (whole === 0) return 'none to measure';
  return `${Number(((part / whole) * 100).toFixed(1))}%`;
}

/** The rows the product page shows: one per dataset, shares as text with their counts. */
export function dataQualityRows(quality: DataQuality) {
  return quality.datasets.map((d) => ({
    dataset: d.dataset,
    title: d.title,
    recordsRead: d.recordsRead,
    identifiers: d.identifiers.map((i) => ({
      name: IDENTIFIER_NAMES[i.kind],
      field: i.field,
      present: `${shareText(i.present, d.recordsRead)} (${i.present} of ${d.recordsRead})`,
      valid: `${shareText(i.valid, i.present)} (${i.valid} of ${i.present})`,
    })),
    dates: `${shareText(d.dates.parsed, d.dates.values)} (${d.dates.parsed} of ${d.dates.values})`,
    filled: `${shareText(d.filled.filled, d.filled.values)} (${d.filled.filled} of ${d.filled.values})`,
  }));
}
