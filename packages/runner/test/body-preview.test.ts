import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../src/index.ts';
import { seededRandom } from './support.ts';

/**
 * bodyPreview scrubs the strings of a JSON body only when the body as written could hold something to scrub
 * (Redactor.stringsNeedNoScrub). Whatever the body, its preview must be exactly what scrubbing every string
 * gives: `json`, string by string, is the reference it is held to here, over bodies drawn to put secrets,
 * their starts and ends, escaped forms of them, personal links and JSON carried in strings where a wrong
 * shortcut would let them through.
 */
const SEED = 0x0b0d_1e5;
const BODIES = 400;
const LIMIT = 2048;

const SECRET = 'tok-0123456789abcdefghij';
const SHORT_SECRET = 'pw-9z8y7';
const PERSONAL = new Set(['email', 'full_name']);

/** Escapes one character of `text` as \uXXXX inside a JSON string literal, as a supplier's encoder may. */
const escapedOnce = (text: string, at: number) =>
  `${JSON.stringify(text.slice(0, at)).slice(0, -1)}\\u${text.charCodeAt(at).toString(16).padStart(4, '0')}${JSON.stringify(text.slice(at + 1)).slice(1)}`;

/** A string value as written in the body: plain, or one of the forms a scrubber must still find. */
function stringLiteral(next: () => number): string {
  const pick = Math.floor(next() * 11);
  switch (pick) {
    case 0:
      return JSON.stringify(`echo ${SECRET} back`);
    case 1:
      return JSON.stringify(`cut ${SECRET.slice(0, 14)}`);
    case 2:
      return JSON.stringify(`${SECRET.slice(-13)} tail`);
    case 3:
      return escapedOnce(`with ${SECRET} escaped`, 8);
    case 4:
      return JSON.stringify(`short ${SHORT_SECRET}!`);
    case 5:
      return JSON.stringify('/people?page=2&email=a@b.example');
    case 6:
      return JSON.stringify(JSON.stringify({ id: '1', email: 'c@d.example' }));
    case 7:
      return JSON.stringify('a path with a \\ in it');
    default:
      return JSON.stringify(`plain ${Math.floor(next() * 1e6)}`);
  }
}

function value(next: () => number, depth: number): string {
  const pick = Math.floor(next() * (depth > 3 ? 3 : 6));
  if (pick === 0) return stringLiteral(next);
  if (pick === 1) return String(Math.floor(next() * 1000) - 500);
  if (pick === 2) return next() < 0.5 ? 'null' : 'true';
  if (pick === 3) {
    const items = Array.from({ length: Math.floor(next() * 5) }, () => value(next, depth + 1));
    return `[${items.join(',')}]`;
  }
  const keys = ['id', 'ward', 'email', 'full_name', 'note', 'links', '2'];
  const members = Array.from({ length: Math.floor(next() * 6) }, () => {
    const key = keys[Math.floor(next() * keys.length)] as string;
    return `${JSON.stringify(key)}:${value(next, depth + 1)}`;
  });
  return `{${members.join(',')}}`;
}

/** Every string scrubbed, as bodyPreview did before it looked at the body first. */
function scrubbedEverywhere(redactor: Redactor, text: string): string {
  const whole = JSON.stringify(redactor.json(JSON.parse(text)));
  return whole.length > LIMIT ? `${whole.slice(0, LIMIT)}… (${whole.length - LIMIT} more characters)` : whole;
}

describe('a JSON body preview', () => {
  it('is what scrubbing every string gives, whatever the body holds', () => {
    const next = seededRandom(SEED);
    const redactor = new Redactor(PERSONAL, [SECRET, SHORT_SECRET]);
    let plainBodies = 0;
    for (let i = 0; i < BODIES; i++) {
      // Most bodies hold nothing to scrub but personal fields, as most pages do; the rest one of the forms.
      const plain = next() < 0.5;
      const body = plain
        ? `{"items":[${Array.from({ length: 1 + Math.floor(next() * 40) }, (_, n) => `{"id":"${n}","email":"p${n}@x.example","ward":"Abbey","2":null}`).join(',')}]}`
        : value(next, 0);
      if (plain) plainBodies += 1;
      expect(redactor.bodyPreview(Buffer.from(body), 'application/json'), `body ${i}: ${body}`).toBe(
        scrubbedEverywhere(redactor, body),
      );
    }
    expect(plainBodies).toBeGreaterThan(BODIES / 4);
  });

  it('still finds a secret that only an escape hides, and the start of one cut short', () => {
    const redactor = new Redactor(PERSONAL, [SECRET]);
    const escaped = `{"note":${escapedOnce(`said ${SECRET}`, 10)}}`;
    expect(escaped).not.toContain(SECRET);
    expect(redactor.bodyPreview(Buffer.from(escaped), 'application/json')).toBe(
      `{"note":"said ${REDACTED}"}`,
    );
    expect(
      redactor.bodyPreview(Buffer.from(`{"note":"cut ${SECRET.slice(0, 13)}"}`), 'application/json'),
    ).toBe(`{"note":"cut ${REDACTED}"}`);
    expect(
      redactor.bodyPreview(Buffer.from('{"next":"/people?email=a@b.example","email":"a@b.example"}'), 'json'),
    ).toBe(`{"next":"/people?email=%5Bredacted%5D","email":"${REDACTED}"}`);
  });

  it('looks for a secret learnt after a body was previewed in every body previewed after it', () => {
    const redactor = new Redactor(PERSONAL);
    const body = Buffer.from('{"note":"set-cookie-value-0123456789 echoed"}');
    expect(redactor.bodyPreview(body, 'application/json')).toBe(
      '{"note":"set-cookie-value-0123456789 echoed"}',
    );
    redactor.learnHeaderSecrets({ 'set-cookie': 'sid=set-cookie-value-0123456789; Path=/' });
    expect(redactor.bodyPreview(body, 'application/json')).toBe(`{"note":"${REDACTED} echoed"}`);
  });
});
