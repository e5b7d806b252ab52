import type { JsonObject } from '@council-conform/openapi';
import { isObject } from './json.ts';

/** Property names that, whatever the system, usually hold facts about a living person. */
export const PERSONAL_NAME =
  /(^|_)(name|given_name|family_name|first_name|last_name|forename|surname|full_name|email|e_mail|phone|telephone|mobile|date_of_birth|dob|birth_date|ni_number|national_insurance(_number)?|nino|nhs_number|ethnicity|religion|disability|device_id|resident|tenant|applicant)$/i;

/** Names that hold personal data in any system, used where a wrong guess would be costly (URL parameters). */
export const STRONGLY_PERSONAL_NAME =
  /(^|_)(email|e_mail|phone|telephone|mobile|date_of_birth|dob|birth_date|ni_number|national_insurance(_number)?|nino|nhs_number)$/i;

/** True when ten digits carry a valid NHS number check digit (modulus 11). */
export function isNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  return (check === 11 ? 0 : check) === Number(digits[9]) && check !== 10;
}

/**
 * An e-mail address within text, tried only from the start of a run of the characters its local part may
 * hold (the lookbehind): tried from each of them, a long run without an `@` was rescanned from every one,
 * quadratic in its length.
 */
const EMAIL_ANYWHERE = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/;

/**
 * Patterns of personal data as it leaks into free text. `unambiguous` ones identify a person whoever
 * wrote them (a National Insurance or NHS number, a date of birth) and fail a check; an e-mail address or a
 * phone number may as well be the council's switchboard or a role mailbox (`enquiries@…`), which is not
 * personal data, so those only warn (docs/checks.md).
 */
export const PERSONAL_PATTERNS: readonly {
  kind: string;
  pattern: RegExp;
  unambiguous: boolean;
  confirm?: (match: string) => boolean;
}[] = [
  {
    kind: 'an e-mail address',
    pattern: EMAIL_ANYWHERE,
    unambiguous: false,
  },
  {
    kind: 'a UK phone number',
    pattern: /(?<!\d)(?:\+44\s?|0)(?:7\d{3}\s?\d{6}|20\s?\d{4}\s?\d{4}|\d{3}\s?\d{3}\s?\d{4})(?!\d)/,
    unambiguous: false,
  },
  {
    kind: 'a National Insurance number',
    pattern: /\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b/,
    unambiguous: true,
  },
  {
    kind: 'an NHS number',
    pattern: /(?<![\d-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d-])/,
    unambiguous: true,
    confirm: (match) => isNhsNumber(match.replace(/[ -]/g, '')),
  },
  {
    kind: 'a date of birth',
    pattern: /\b(?:date of birth|d\.o\.b\.?|born on|born)\b[^.]{0,20}\d/i,
    unambiguous: true,
  },
];

/** The personal patterns a free-text value holds, each once. */
export function personalPatternsIn(value: string): (typeof PERSONAL_PATTERNS)[number][] {
  return PERSONAL_PATTERNS.filter(({ pattern, confirm }) => {
    const match = pattern.exec(value);
    return match !== null && (!confirm || confirm(match[0]));
  });
}

/**
 * Names of properties the reference explicitly classifies as public although they look personal (an
 * organisation's enquiries e-mail): their values are not scanned as leaks.
 */
export function explicitlyPublicNames(document: JsonObject): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (!isObject(node)) return;
    if (isObject(node.properties)) {
      for (const [name, schema] of Object.entries(node.properties)) {
        if (isObject(schema) && schema['x-data-classification'] === 'public') names.add(name);
      }
    }
    for (const child of Object.values(node)) visit(child);
  };
  visit(document.components);
  return names;
}

/**
 * Whether a value a check would quote sits in or under a field the reference classifies as personal (a
 * segment of its JSON pointer names one) or holds one (an object with such a field, at any depth). The runner
 * cannot tell a personal value in a message from any other text, so a check shows where such a value is and
 * withholds the value itself.
 */
export function isPersonalValue(personal: ReadonlySet<string>, pointer: string, value?: unknown): boolean {
  const holds = (node: unknown): boolean =>
    Array.isArray(node)
      ? node.some(holds)
      : isObject(node) && Object.entries(node).some(([key, child]) => personal.has(key) || holds(child));
  return (
    pointer.split('/').some((token) => personal.has(token.replace(/~1/g, '/').replace(/~0/g, '~'))) ||
    holds(value)
  );
}

/**
 * The values an API itself holds in fields the reference classifies as personal, normalised so that the same
 * value written in a sentence is found: e-mail addresses in lower case, phone numbers as their digits, other
 * text (names) in lower case with single spaces. A public response carrying one of them carries a resident's
 * data, whatever the free text around it says: an identifier that is unambiguous because the supplier's own
 * personal records hold it.
 */
export class PersonalValueIndex {
  private readonly emails = new Map<string, string>();
  private readonly phones = new Map<string, string>();
  private readonly texts = new Map<string, string>();
  /** Values kept at most: a sandbox's residents, not a whole production register. */
  static readonly LIMIT = 100_000;

  get size(): number {
    return this.emails.size + this.phones.size + this.texts.size;
  }

  /** Notes a personal value and where the API holds it (`dataset.field`). */
  add(value: unknown, where: string): void {
    if (typeof value !== 'string' || this.size >= PersonalValueIndex.LIMIT) return;
    const text = value.trim();
    if (EMAIL.test(text)) this.emails.set(text.toLowerCase(), where);
    else if (PHONE_DIGITS.test(text.replace(/[\s()+-]/g, ''))) this.phones.set(phoneKey(text), where);
    // A short value ("Ms", "E8") would be found everywhere; a name of two words or more would not.
    else if (text.length >= 6 && /\s/.test(text)) this.texts.set(normaliseText(text), where);
  }

  /** Where the API holds, as personal data, a value this free text carries; undefined when it holds none. */
  find(value: string): string | undefined {
    for (const email of value.match(EMAILS) ?? []) {
      const where = this.emails.get(email.toLowerCase());
      if (where) return where;
    }
    for (const phone of value.match(PHONES) ?? []) {
      const where = this.phones.get(phoneKey(phone));
      if (where) return where;
    }
    if (this.texts.size === 0) return undefined;
    // Names are looked for as runs of two to four capitalised words, and the whole value as it is.
    const whole = this.texts.get(normaliseText(value));
    if (whole) return whole;
    for (const run of value.match(CAPITALISED_RUNS) ?? []) {
      const words = run.split(/\s+/);
      for (let length = Math.min(4, words.length); length >= 2; length--)
        for (let at = 0; at + length <= words.length; at++) {
          const where = this.texts.get(normaliseText(words.slice(at, at + length).join(' ')));
          if (where) return where;
        }
    }
    return undefined;
  }
}

const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;
// One change from trying every character: an address run straight on from the one before
// (`a@b.org_c@d.org`) is not found, as its run of local-part characters began inside the first.
const EMAILS = new RegExp(EMAIL_ANYWHERE, 'g');
const PHONE_DIGITS = /^\d{10,13}$/;
const PHONES = /(?<![\d])(?:\+44\s?|0)\d[\d\s-]{8,14}\d(?![\d])/g;
// Tried only from the first capital of a word (the lookbehind reads back no further than the capital before):
// tried from each capital, a long word of capitals was rescanned from every one, quadratic in its length.
// A later capital of the word could only fail where the first did, so what is found is unchanged.
const CAPITALISED_RUNS =
  /(?<!\p{Lu}[\p{Ll}\p{Lt}\p{Lm}\p{Lo}'’-]*)\p{Lu}[\p{L}'’-]+(?:\s+\p{Lu}[\p{L}'’-]+)+/gu;
const phoneKey = (text: string) => text.replace(/\D/g, '').replace(/^44/, '0');
const normaliseText = (text: string) => text.trim().toLowerCase().replace(/\s+/g, ' ');
