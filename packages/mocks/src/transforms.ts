import type { FaultId } from './faults.ts';

type Json = unknown;
type Mapper = (value: Json, key: string | undefined) => Json;

function deepMap(value: Json, mapper: Mapper, key?: string): Json {
  const mapped = mapper(value, key);
  if (Array.isArray(mapped)) return mapped.map((item) => deepMap(item, mapper, key));
  if (mapped !== null && typeof mapped === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(mapped)) out[k] = deepMap(v, mapper, k);
    return out;
  }
  return mapped;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const GSS = /^[EKNSW]\d{8}$/;
const PREFERRED_TEXT_FIELDS = [
  'description',
  'summary',
  'title',
  'name',
  'notes',
  'detail',
  'comment',
  'text',
];

export function toDdMmYyyy(value: string): string {
  const m = ISO_DATE.exec(value);
  if (!m) return value;
  const [, y, mo, d, h, mi] = m;
  return h ? `${d}/${mo}/${y} ${h}:${mi}` : `${d}/${mo}/${y}`;
}

/** Picks the record's free-text field faults write into: one a person would type into. */
function textFieldOf(record: Record<string, Json>): string | undefined {
  for (const name of PREFERRED_TEXT_FIELDS) if (typeof record[name] === 'string') return name;
  // Otherwise the first field of free text (it has spaces): an address line, a note, a title.
  return Object.keys(record).find((name) => typeof record[name] === 'string' && / /.test(record[name] as string) && !/^\d{4}-\d{2}-\d{2}/.test(record[name] as string));
}

/** Puts text into the record's free-text field, in place of what was there. */
function replaceText(record: Json, text: string): Json {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return record;
  const out = { ...(record as Record<string, Json>) };
  out[textFieldOf(out) ?? 'notes'] = text;
  return out;
}

// Short enough to fit the fields they land in, so the fault breaks one rule (privacy, advertising), not the
// schema's maximum lengths as well.
export const ADVERT_MARKUP = '<script src="https://www.googletagmanager.com/gtag/js"></script>';

// Realistic leaks: the supplier pasted a case note into a public field.
export const LEAKED_PERSONAL_TEXT = 'Ring 07700 900123 or a.okafor@example.org, NI JC123456C, born 14/03/1984';

/** Faults that change the records a read returns, applied to each record as it leaves the mock. */
export function transformRecord(record: Json, faults: ReadonlySet<FaultId>, isPublicDataset: boolean): Json {
  let out = record;
  if (faults.has('nonstandard-field-names')) out = renameModifiedAt(out);
  if (faults.has('uprn-with-spaces')) {
    out = deepMap(out, (value, key) =>
      key === 'uprn' && typeof value === 'string' ? value.replace(/(\d{4})(?=\d)/g, '$1 ') : value,
    );
  }
  if (faults.has('invalid-gss-code')) {
    out = deepMap(out, (value) =>
      typeof value === 'string' && GSS.test(value) ? `LBC-${value.slice(-3)}` : value,
    );
  }
  if (faults.has('dates-ddmmyyyy')) {
    out = deepMap(out, (value) => (typeof value === 'string' ? toDdMmYyyy(value) : value));
  }
  if (isPublicDataset && faults.has('personal-data-in-public-response'))
    out = replaceText(out, LEAKED_PERSONAL_TEXT);
  if (faults.has('advert-markup')) out = replaceText(out, ADVERT_MARKUP);
  if (faults.has('non-utf8-json')) out = replaceText(out, 'Café on site');
  return out;
}

/** The supplier's own name for the baseline's `modified_at`, applied to records and to the description. */
export const NONSTANDARD_MODIFIED_AT = 'lastModified';

export function renameModifiedAt(record: Json): Json {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return record;
  const { modified_at: modifiedAt, ...rest } = record as Record<string, Json>;
  return modifiedAt === undefined ? record : { ...rest, [NONSTANDARD_MODIFIED_AT]: modifiedAt };
}

/** Export files get their own date fault, so a supplier can be right in the API and wrong in the export. */
export function transformExportRecord(record: Json, faults: ReadonlySet<FaultId>): Json {
  return faults.has('export-ddmmyyyy-dates')
    ? deepMap(record, (value) => (typeof value === 'string' ? toDdMmYyyy(value) : value))
    : record;
}
