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

/**
 * Removes secrets and personal data from everything the runner records, before it is written anywhere.
 * Known secret values (tokens it obtained, secrets it was given) are scrubbed wherever they appear, so a
 * supplier that echoes a token back cannot leak it into a report.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(
    private readonly personalFields: ReadonlySet<string>,
    secrets: Iterable<string> = [],
  ) {
    for (const secret of secrets) this.addSecret(secret);
  }

  addSecret(secret: string | undefined): void {
    // Short values would scrub ordinary text; real secrets and tokens are long.
    if (secret && secret.length >= 6) this.secrets.add(secret);
  }

  text(value: string): string {
    let out = value;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
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
        if (SECRET_QUERY.test(key)) url.searchParams.set(key, REDACTED);
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

  /** JSON values under personal field names become `[redacted]`; other strings lose known secrets. */
  json(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.json(item));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        out[key] = this.personalFields.has(key) && child !== null ? REDACTED : this.json(child);
      }
      return out;
    }
    return typeof value === 'string' ? this.text(value) : value;
  }

  /** A short, redacted preview of a body for evidence. */
  bodyPreview(body: Buffer, contentType: string, limit = 2048): string {
    const text = body.subarray(0, Math.min(body.length, 256 * 1024)).toString('utf8');
    if (/json/i.test(contentType)) {
      try {
        return truncate(JSON.stringify(this.json(JSON.parse(text))), limit);
      } catch {
        // Not JSON after all: fall through to plain text with secrets removed.
      }
    }
    if (/x-www-form-urlencoded/i.test(contentType)) return truncate(this.form(text), limit);
    return truncate(this.text(text), limit);
  }
}

function truncate(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}… (${text.length - limit} more characters)` : text;
}
