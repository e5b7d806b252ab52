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

/** Puts text into a record's free-text field (chosen from its schema), in place of what was there. */
export function replaceText(record: Json, text: string, field: string | undefined): Json {
  if (!field || record === null || typeof record !== 'object' || Array.isArray(record)) return record;
  return { ...(record as Record<string, Json>), [field]: text };
}

// Short enough to fit the fields they land in, so the fault breaks one rule (privacy, advertising), not the
// schema's maximum lengths as well.
export const ADVERT_MARKUP = '<script src="https://www.googletagmanager.com/gtag/js"></script>';

// Realistic leaks: the supplier pasted a case note into a public field.
export const LEAKED_PERSONAL_TEXT =
  'Ring 07700 900123 or a.okafor@example.org, NI JC123456C, born 14/03/1984';

/** Faults that change the records a read returns, applied to each record as it leaves the mock. */
export function transformRecord(
  record: Json,
  faults: ReadonlySet<FaultId>,
  isPublicDataset: boolean,
  fields: { text?: string | undefined; leak?: string | undefined } = {},
): Json {
  const textField = fields.text;
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
  // With no unclassified free-text field the leak arrives the way joins leak: in an undocumented field.
  if (isPublicDataset && faults.has('personal-data-in-public-response'))
    out = replaceText(out, LEAKED_PERSONAL_TEXT, fields.leak ?? 'notes');
  if (faults.has('advert-markup')) out = replaceText(out, ADVERT_MARKUP, textField);
  if (faults.has('non-utf8-json')) out = accentText(out);
  return out;
}

const ACCENTED: Record<string, string> = { a: 'á', e: 'é', i: 'í', o: 'ó', u: 'ú' };

/** A string a person typed: words with spaces, not a date, code, e-mail address or number. */
const isProse = (value: Json): value is string =>
  typeof value === 'string' &&
  / /.test(value) &&
  /[a-z]{2}/.test(value) &&
  !/@|^\d{4}-\d{2}-\d{2}/.test(value);

/**
 * Accents one vowel of a record's descriptive text ("Betting Shop" → "Bétting Shop") for the encoding fault
 * to mangle: same length, same words, so the fault breaks the encoding and no schema pattern or member list.
 * Looks at the record's own fields, then one level into its objects; leaves a record with no prose alone.
 */
function accentText(record: Json): Json {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return record;
  const out = { ...(record as Record<string, Json>) };
  const accent = (text: string) => text.replace(/[aeiou]/, (vowel) => ACCENTED[vowel] ?? vowel);
  const field =
    PREFERRED_TEXT_FIELDS.find((name) => isProse(out[name])) ??
    Object.keys(out).find((name) => isProse(out[name]));
  if (field) {
    out[field] = accent(out[field] as string);
    return out;
  }
  for (const [name, value] of Object.entries(out)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    const inner = Object.keys(value).find((key) => isProse((value as Record<string, Json>)[key]));
    if (inner) {
      out[name] = { ...value, [inner]: accent((value as Record<string, Json>)[inner] as string) };
      return out;
    }
  }
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
  let out = record;
  if (faults.has('export-stale-snapshot') && out !== null && typeof out === 'object' && !Array.isArray(out)) {
    const stamp = (out as Record<string, Json>).modified_at;
    if (typeof stamp === 'string' && !Number.isNaN(Date.parse(stamp))) {
      const week = 7 * 86_400_000;
      out = {
        ...(out as Record<string, Json>),
        modified_at: new Date(Date.parse(stamp) - week).toISOString().replace('.000Z', 'Z'),
      };
    }
  }
  if (faults.has('export-ddmmyyyy-dates'))
    out = deepMap(out, (value) => (typeof value === 'string' ? toDdMmYyyy(value) : value));
  return out;
}
