import { HarnessError } from './http.ts';

/** One link of a Link header (RFC 8288 §3): its target as written, its relation types and its other parameters. */
export interface Link {
  /** The URI reference between `<` and `>`, not yet resolved. */
  readonly target: string;
  /** Relation types, lower-cased: `rel="next last"` is two. */
  readonly rel: readonly string[];
  /** Other parameters by lower-cased name, unquoted; the first of a repeated name wins (RFC 8288 §3). */
  readonly params: Readonly<Record<string, string>>;
}

/** Past this, a link quoted in a message is cut: a hostile server may send a megabyte of it. */
const QUOTED = 200;

/**
 * Every link of a Link header field, or of several joined with ", ". Read character by character, because
 * a comma or semicolon may sit inside a quoted parameter (`title="a, b"`) or inside the target itself, where
 * splitting on commas would cut a link in two. A link that is not `<…>` is skipped to the next comma.
 */
export function parseLinkHeader(header: string): Link[] {
  const links: Link[] = [];
  const length = header.length;
  let at = 0;
  const skipSpace = () => {
    while (at < length && (header[at] === ' ' || header[at] === '\t')) at++;
  };
  /** Past the next comma that is not inside a quoted string. */
  const skipToNextLink = () => {
    let quoted = false;
    for (; at < length; at++) {
      const char = header[at];
      if (quoted && char === '\\') at++;
      else if (char === '"') quoted = !quoted;
      else if (char === ',' && !quoted) break;
    }
  };
  while (at < length) {
    while (at < length && (header[at] === ',' || header[at] === ' ' || header[at] === '\t')) at++;
    if (at >= length) break;
    if (header[at] !== '<') {
      skipToNextLink();
      continue;
    }
    const close = header.indexOf('>', at + 1);
    if (close < 0) break;
    const target = header.slice(at + 1, close).trim();
    at = close + 1;
    const params: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (header[at] !== ';') break;
      at++;
      skipSpace();
      const nameStart = at;
      while (at < length && !/[=;,\s]/.test(header[at] as string)) at++;
      const name = header.slice(nameStart, at).toLowerCase();
      skipSpace();
      let value = '';
      if (header[at] === '=') {
        at++;
        skipSpace();
        if (header[at] === '"') {
          at++;
          for (; at < length && header[at] !== '"'; at++) {
            if (header[at] === '\\' && at + 1 < length) at++;
            value += header[at];
          }
          at++;
        } else {
          const valueStart = at;
          while (at < length && !/[;,\s]/.test(header[at] as string)) at++;
          value = header.slice(valueStart, at);
        }
      }
      if (name && !(name in params)) params[name] = value;
    }
    // Anything else before the next comma is not a parameter: it is passed over, the link is kept.
    skipToNextLink();
    const rel = (params.rel ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((type) => type.toLowerCase());
    links.push({ target, rel, params });
  }
  return links;
}

/**
 * The target, as written, of the first link whose relation types include `rel` (compared without regard to
 * case, RFC 8288 §2.1.1); undefined when there is none. Resolve it with `resolveLink` against the URL of the
 * response that carried it.
 */
export function linkTarget(header: string | undefined, rel: string): string | undefined {
  if (!header) return undefined;
  const wanted = rel.toLowerCase();
  return parseLinkHeader(header).find((link) => link.rel.includes(wanted))?.target;
}

/**
 * A link a server gave (a Link header target, a `next` in a body, a Location, a manifest's file URL) as an
 * absolute URL, resolved against the URL of the response that carried it (RFC 8288 §3.2, RFC 3986 §5), never
 * against the API's base URL: `?cursor=2` is the same path with another query, `repairs?cursor=2` a sibling
 * of the last path segment, `/v2/x` a path from the origin's root. The fragment is dropped, since it is never
 * sent. Throws HarnessError INVALID_LINK, saying what the server gave, when it does not resolve to an http or
 * https URL, or carries a user name or password (a credential in a URL is never sent on).
 */
export function resolveLink(reference: string, base: string | URL, what = 'the link'): URL {
  const quoted = JSON.stringify(reference.length > QUOTED ? `${reference.slice(0, QUOTED)}…` : reference);
  const from = typeof base === 'string' ? base : base.href;
  let url: URL;
  try {
    url = new URL(reference, base);
  } catch {
    throw new HarnessError(
      'INVALID_LINK',
      `${what} ${quoted} given by ${from} is not a URI reference: it does not resolve against that URL (RFC 3986 §5)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HarnessError(
      'INVALID_LINK',
      `${what} ${quoted} given by ${from} resolves to a ${url.protocol} URL; only http and https links are followed`,
    );
  }
  if (url.username || url.password) {
    throw new HarnessError(
      'INVALID_LINK',
      `${what} given by ${from} carries a user name or password in the URL; credentials are never sent in URLs, so it is not followed`,
    );
  }
  url.hash = '';
  return url;
}
