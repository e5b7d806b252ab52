import { CertificateError } from './errors.ts';

// In Unicode mode a paired surrogate is one code point, so this matches only lone surrogates: text that has no
// UTF-8 form, which RFC 8785 (3.2.2.2) says must stop canonicalisation rather than be signed ambiguously.
const LONE_SURROGATE = /\p{Cs}/u;

const refuse = (path: string, what: string) =>
  new CertificateError('malformed', `canonicalJson: ${what} at ${path} has no JSON form; nothing was signed`);

const memberPath = (path: string, key: string) =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

function serialise(value: unknown, path: string, ancestors: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw refuse(path, String(value));
      // ECMAScript Number-to-String is exactly the serialisation RFC 8785 (3.2.2.3) prescribes; -0 becomes "0".
      return String(value);
    case 'string':
      if (LONE_SURROGATE.test(value)) throw refuse(path, 'a string with a lone UTF-16 surrogate');
      // JSON.stringify escapes exactly the characters RFC 8785 (3.2.2.2) requires, with lowercase hex.
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw refuse(path, typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`);
  }
  const object = value as object;
  if (ancestors.has(object)) throw refuse(path, 'a reference back to an enclosing value (a cycle)');
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      const items: string[] = [];
      // Index by position so holes in sparse arrays are refused rather than silently becoming null.
      for (let index = 0; index < object.length; index += 1)
        items.push(serialise(object[index], `${path}[${index}]`, ancestors));
      return `[${items.join(',')}]`;
    }
    const prototype = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null)
      // A Date, Map or class instance would serialise through toJSON or not at all: either way the bytes
      // signed would not be the data the caller holds.
      throw refuse(path, `a ${prototype?.constructor?.name ?? 'non-plain'} object`);
    const record = object as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is the order RFC 8785 (3.2.3) prescribes.
    const keys = Object.keys(record).sort();
    const members = keys.map(
      (key) =>
        `${serialise(key, `${path} (a key)`, ancestors)}:${serialise(record[key], memberPath(path, key), ancestors)}`,
    );
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(object);
  }
}

/**
 * The RFC 8785 (JCS) canonical form of a JSON value: members sorted by UTF-16 code units, ECMAScript number
 * text, no whitespace. Signatures and hashes are taken over its UTF-8 bytes, so two parties that parse the same
 * document get the same bytes whatever the key order or spacing of the file. Throws CertificateError (reason
 * `malformed`, with the path) for anything JSON cannot carry: NaN and infinities, undefined, functions,
 * symbols, bigints, non-plain objects, lone surrogates and cycles.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, '$', new Set());
}
