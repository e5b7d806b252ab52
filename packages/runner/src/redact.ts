const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
]);
const SECRET_QUERY =
  /^(access_token|token|client_secret|api_key|apikey|key|password|code|refresh_token|id_token)$/i;
const SECRET_FORM = /^(client_secret|password|refresh_token|assertion|client_assertion)$/i;
export const REDACTED = '[redacted]';
/** What is left of a secret cut short (a check quoting the first characters of an answer) is still scrubbed. */
const FRAGMENT = 12;

/**
 * Removes secrets and personal data from everything the runner records, before it is written anywhere.
 * Known secret values (tokens it obtained, secrets it was given) are scrubbed wherever they appear, so a
 * supplier that echoes a token back cannot leak it into a report.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  /** `?email=…` or `&email=…` for every personal field: a link carrying one is personal wherever it is quoted. */
  private readonly personalQuery: RegExp | undefined;
  /** secretMarks, built when first needed after a secret is learnt. */
  private marks: RegExp | undefined;

  constructor(
    private readonly personalFields: ReadonlySet<string>,
    secrets: Iterable<string> = [],
  ) {
    for (const secret of secrets) this.addSecret(secret);
    const names = [...personalFields].map(escapeRegExp);
    this.personalQuery =
      names.length > 0 ? new RegExp(`([?&](?:${names.join('|')})=)[^&#"'\\s<>\\\\]*`, 'g') : undefined;
  }

  addSecret(secret: string | undefined): void {
    // Short values would scrub ordinary text; real secrets and tokens are long.
    if (!secret || secret.length < 6) return;
    const known = this.secrets.size;
    this.secrets.add(secret);
    // A server echoing it in a URL or inside a JSON string sends it encoded or escaped: those forms too.
    this.secrets.add(encodeURIComponent(secret));
    this.secrets.add(new URLSearchParams({ s: secret }).toString().slice(2));
    this.secrets.add(JSON.stringify(secret).slice(1, -1));
    // A value learnt again (on every link that carries it) adds nothing: secretMarks keeps its pattern.
    if (this.secrets.size !== known) this.marks = undefined;
  }

  /**
   * Learns the values carried in secret headers (a cookie a supplier sets, a key a check sends) as secrets,
   * so that a server echoing one back elsewhere (a body, another header) cannot leak it into a report: the
   * header itself is blanked by name, its echo only by value. Only values of 12 characters or more are
   * learnt: a header may carry a deliberately bad credential that is an ordinary word ("Bearer invalid").
   */
  learnHeaderSecrets(headers: Readonly<Record<string, string | string[] | undefined>>): void {
    const learn = (value: string | undefined) => {
      if (value && value.length >= 12) this.addSecret(value);
    };
    for (const [name, raw] of Object.entries(headers)) {
      const lower = name.toLowerCase();
      if (raw === undefined || !SECRET_HEADERS.has(lower)) continue;
      for (const value of Array.isArray(raw) ? raw : [raw]) {
        if (lower === 'set-cookie') learn(cookieValue(value.split(';')[0] ?? ''));
        else if (lower === 'cookie') for (const pair of value.split(';')) learn(cookieValue(pair));
        else {
          learn(value.trim());
          // "Bearer abc…": the credential alone is what an echo would carry.
          learn(/^\S+\s+(\S+)$/.exec(value.trim())?.[1]);
        }
      }
    }
  }

  /**
   * A copy of `value` with known secrets removed from every string in its arrays and plain objects (keys are
   * kept); other objects (a Date, a Map) are left as they are rather than flattened.
   */
  scrub<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((item) => this.scrub(item)) as T;
    const prototype = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
    if (prototype === Object.prototype || prototype === null) {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value as object)) out[key] = this.scrub(child);
      return out as T;
    }
    return value;
  }

  text(value: string): string {
    let out = value;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    out = this.fragments(out);
    return this.personalQuery ? out.replace(this.personalQuery, `$1${encodeURIComponent(REDACTED)}`) : out;
  }

  /**
   * A secret cut short before it reached the redactor (a check quoting the first 300 characters of an error
   * that echoes a token) is no longer found whole: a run of at least FRAGMENT characters that begins or ends a
   * longer known secret is scrubbed as well.
   */
  private fragments(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (secret.length <= FRAGMENT || out.length < FRAGMENT) continue;
      const head = secret.slice(0, FRAGMENT);
      for (let at = out.indexOf(head); at >= 0; at = out.indexOf(head, at + 1)) {
        let end = at + FRAGMENT;
        while (end < out.length && end - at < secret.length && out[end] === secret[end - at]) end++;
        out = `${out.slice(0, at)}${REDACTED}${out.slice(end)}`;
      }
      const tail = secret.slice(-FRAGMENT);
      const tailAt = secret.length - FRAGMENT;
      for (let at = out.indexOf(tail); at >= 0; at = out.indexOf(tail, at + 1)) {
        let start = at;
        while (start > 0 && tailAt - (at - start) > 0 && out[start - 1] === secret[tailAt - (at - start) - 1])
          start--;
        out = `${out.slice(0, start)}${REDACTED}${out.slice(at + FRAGMENT)}`;
        at = start;
      }
    }
    return out;
  }

  headers(headers: Record<string, string | string[] | undefined>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      const joined = Array.isArray(value) ? value.join(', ') : value;
      out[name.toLowerCase()] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : this.text(joined);
    }
    return out;
  }

  url(raw: string): string {
    try {
      const url = new URL(raw);
      for (const key of [...url.searchParams.keys()]) {
        if (this.personalFields.has(key)) {
          // A link a supplier serves may filter by a resident's email; the same link sits in the body of the
          // page before, under a key that is not personal, so the value is scrubbed wherever it appears.
          for (const value of url.searchParams.getAll(key)) this.addSecret(value);
          url.searchParams.set(key, REDACTED);
        } else if (SECRET_QUERY.test(key)) url.searchParams.set(key, REDACTED);
      }
      if (url.password) url.password = REDACTED;
      return this.text(url.toString());
    } catch {
      return this.text(raw);
    }
  }

  form(body: string): string {
    const params = new URLSearchParams(body);
    for (const key of [...params.keys()]) if (SECRET_FORM.test(key)) params.set(key, REDACTED);
    return this.text(params.toString());
  }

  /**
   * JSON values under personal field names become `[redacted]`; other strings lose known secrets, and the
   * personal values of any JSON text they carry (an import request holds its NDJSON files as strings).
   */
  json(value: unknown): unknown {
    return this.jsonValues(value, true);
  }

  /** `json`; with `scrubStrings` false, for strings known to need no scrubbing, only personal values change. */
  private jsonValues(value: unknown, scrubStrings: boolean): unknown {
    if (Array.isArray(value)) return value.map((item) => this.jsonValues(item, scrubStrings));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        out[key] =
          this.personalFields.has(key) && child !== null ? REDACTED : this.jsonValues(child, scrubStrings);
      }
      return out;
    }
    return typeof value === 'string' && scrubStrings ? this.text(this.personalInText(value)) : value;
  }

  /**
   * Whether no string of this JSON text can be changed by `text` or `personalInText`, judged once over the
   * whole text instead of once per string: every response of a run is previewed, and scrubbing each of the
   * thousands of strings in a 256 KiB page against every secret was most of the redactor's time, itself
   * about a seventh of a fault-matrix run's CPU.
   * Without a backslash in it, each string of the text is a slice of it as written (no escape can hide a
   * secret) and none holds a quote (so none carries JSON of its own); then a string can hold a secret, the
   * start or end of one, or a personal query parameter only if the text does.
   */
  private stringsNeedNoScrub(jsonText: string): boolean {
    if (jsonText.includes('\\')) return false;
    if (this.secretMarks().test(jsonText)) return false;
    return !this.personalQuery || jsonText.search(this.personalQuery) === -1;
  }

  /**
   * One pattern for what `text` looks for of every secret: the secret, or for a long one its first and last
   * FRAGMENT characters (each long secret holds both). A run learns hundreds of secrets (every personal
   * value it put in a query); searching a page once for all of them took a two-hundredth of the time of
   * searching it once for each.
   */
  private secretMarks(): RegExp {
    if (!this.marks) {
      const marks = [...this.secrets].flatMap((secret) =>
        secret.length > FRAGMENT ? [secret.slice(0, FRAGMENT), secret.slice(-FRAGMENT)] : [secret],
      );
      // A pattern that matches nothing when there is no secret yet.
      this.marks = new RegExp(marks.length > 0 ? marks.map(escapeRegExp).join('|') : '[^\\s\\S]');
    }
    return this.marks;
  }

  /**
   * A short, redacted preview of a body for evidence. A body that does not parse as a whole (cut at the
   * preview's 256 KiB, NDJSON, broken, nested too deep to walk, or JSON under another media type) still
   * loses the values of its personal fields, found by a scan that needs no complete document.
   */
  bodyPreview(body: Buffer, contentType: string, limit = 2048): string {
    const text = body.subarray(0, Math.min(body.length, 256 * 1024)).toString('utf8');
    if (/json/i.test(contentType)) {
      try {
        const parsed: unknown = JSON.parse(text);
        const redacted = this.jsonValues(parsed, !this.stringsNeedNoScrub(text));
        return truncate(JSON.stringify(redacted), limit);
      } catch {
        // Not one JSON document: fall through to the scan below.
      }
    }
    if (/x-www-form-urlencoded/i.test(contentType)) return truncate(this.form(text), limit);
    if (/text\/csv/i.test(contentType)) return truncate(this.text(this.csvColumns(text)), limit);
    return truncate(this.text(this.personalInText(text)), limit);
  }

  /**
   * JSON-like text with the value after every `"<personal field>":` replaced, however the text ends; a string
   * in it that holds JSON text of its own (escaped, as an import carries NDJSON files) is scanned in turn.
   */
  private personalInText(text: string): string {
    if (this.personalFields.size === 0) return text;
    let out = '';
    let from = 0;
    for (let at = text.indexOf('"'); at >= 0 && at < text.length; at = text.indexOf('"', from)) {
      const end = stringEnd(text, at);
      out += `${text.slice(from, at)}${this.embeddedJson(text.slice(at, end))}`;
      from = end;
      if (!this.personalFields.has(text.slice(at + 1, end - 1))) continue;
      const colon = skipSpace(text, end);
      if (text[colon] !== ':') continue;
      const value = skipSpace(text, colon + 1);
      if (value >= text.length || text.startsWith('null', value)) continue;
      out += `${text.slice(end, value)}"${REDACTED}"`;
      from = valueEnd(text, value);
    }
    return out + text.slice(from);
  }

  /** A JSON string literal (perhaps cut off) whose text is JSON itself, with that JSON's personal values redacted. */
  private embeddedJson(literal: string): string {
    if (!literal.includes('\\"')) return literal;
    // Closed when its last quote is not escaped; a literal cut off by the preview is closed here to be read.
    const closed = /(?:^|[^\\])(?:\\\\)*"$/.test(literal.slice(1));
    let inner: unknown;
    try {
      inner = JSON.parse(
        closed ? literal : `${literal.replace(/\\u[0-9a-fA-F]{0,3}$|(?<!\\)((?:\\\\)*)\\$/, '$1')}"`,
      );
    } catch {
      return literal;
    }
    if (typeof inner !== 'string') return literal;
    const redacted = this.personalInText(inner);
    if (redacted === inner) return literal;
    const encoded = JSON.stringify(redacted);
    return closed ? encoded : encoded.slice(0, -1);
  }

  /** CSV whose header row names personal fields, with those columns' cells replaced in every row. */
  private csvColumns(text: string): string {
    const rows = parseCsv(text);
    const header = rows[0];
    if (!header) return text;
    const personal = header.flatMap((name, index) => (this.personalFields.has(name.trim()) ? [index] : []));
    if (personal.length === 0) return this.personalInText(text);
    const body = rows.slice(1);
    // Broken quoting (a comma or line break in an unquoted cell) moves cells out of their columns: once a row
    // is wider than the header, or narrower without being the last one (cut off by the preview), no cell's
    // position can be trusted, and every cell is blanked.
    const shifted = body.some(
      (row, i) => row.length > header.length || (row.length < header.length && i < body.length - 1),
    );
    for (const row of body)
      for (let index = 0; index < row.length; index++)
        if (shifted || personal.includes(index)) row[index] = REDACTED;
    return rows.map((row) => row.map(csvCell).join(',')).join('\r\n');
  }
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function cookieValue(pair: string): string {
  const equals = pair.indexOf('=');
  return equals < 0 ? '' : pair.slice(equals + 1).trim();
}

/** The index after the JSON string that opens at `start` (the text's length when it never closes). */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i] as string)) i++;
  return i;
}

/** The index after the JSON value at `start`: a string, a balanced object or array, or a bare literal. */
function valueEnd(text: string, start: number): number {
  const first = text[start];
  if (first === '"') return stringEnd(text, start);
  if (first !== '{' && first !== '[') {
    let i = start;
    while (i < text.length && !/[,}\]\s]/.test(text[i] as string)) i++;
    return i;
  }
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (char === '"') i = stringEnd(text, i) - 1;
    else if (char === '{' || char === '[') depth++;
    else if ((char === '}' || char === ']') && --depth === 0) return i + 1;
  }
  return text.length;
}

/** RFC 4180 rows (quoted fields may hold commas, quotes and newlines); a cut-off last row is kept as is. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function truncate(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}… (${text.length - limit} more characters)` : text;
}
