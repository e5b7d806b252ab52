import { describe, expect, it } from 'vitest';
import {
  addDays,
  address,
  companiesHouseNumber,
  createRng,
  dateBetween,
  dateTimeBetween,
  email,
  LONDON_BOROUGHS,
  landline,
  mobile,
  money,
  nationalInsuranceNumber,
  personName,
  postcode,
  uprn,
  usrn,
} from '../src/index.ts';

// The same patterns the Council API Baseline publishes; fixtures that break them would fail spec tests.
const UPRN = /^[1-9][0-9]{0,11}$/;
const USRN = /^[1-9][0-9]{0,7}$/;
const POSTCODE = /^(?:GIR 0AA|[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2})$/;
const MONEY = /^-?(?:0|[1-9][0-9]*)\.[0-9]{2}$/;

describe('the seeded random source', () => {
  it('repeats exactly for the same seed and differs for another', () => {
    const a = createRng('housing');
    const b = createRng('housing');
    const c = createRng('planning');
    const draw = (rng: ReturnType<typeof createRng>) =>
      Array.from({ length: 5 }, () => rng.int(0, 1_000_000));
    expect(draw(a)).toEqual(draw(b));
    expect(draw(createRng('housing'))).not.toEqual(draw(c));
  });

  it('keeps int() within bounds and rejects bad bounds', () => {
    const rng = createRng(1);
    for (let i = 0; i < 1000; i++) {
      const value = rng.int(3, 7);
      expect(value).toBeGreaterThanOrEqual(3);
      expect(value).toBeLessThanOrEqual(7);
    }
    expect(() => rng.int(5, 1)).toThrow(RangeError);
  });

  it('samples distinct items', () => {
    const picked = createRng('s').sample([1, 2, 3, 4, 5, 6], 4);
    expect(new Set(picked).size).toBe(4);
  });
});

describe('London reference data', () => {
  it('has the 33 London authorities with their GSS codes E09000001–E09000033', () => {
    expect(LONDON_BOROUGHS).toHaveLength(33);
    expect(LONDON_BOROUGHS.map((b) => b.gss)).toEqual(
      Array.from({ length: 33 }, (_, i) => `E09${String(i + 1).padStart(6, '0')}`),
    );
    expect(LONDON_BOROUGHS.find((b) => b.gss === 'E09000012')?.name).toBe('Hackney');
  });
});

describe('value generators', () => {
  const rng = createRng('values');
  const borough = LONDON_BOROUGHS[11]!;

  it('makes identifiers that match the baseline patterns', () => {
    for (let i = 0; i < 500; i++) {
      expect(uprn(rng)).toMatch(UPRN);
      expect(usrn(rng)).toMatch(USRN);
      expect(postcode(rng, borough)).toMatch(POSTCODE);
      expect(companiesHouseNumber(rng)).toMatch(/^(?:[0-9]{8}|[A-Z]{2}[0-9]{6})$/);
      expect(nationalInsuranceNumber(rng)).toMatch(/^[A-CEGHJ-PR-TW-Z]{2}[0-9]{6}[A-D]$/);
      expect(money(rng, -50, 5000)).toMatch(MONEY);
    }
  });

  it('only makes contact details from ranges reserved for fiction', () => {
    for (let i = 0; i < 200; i++) {
      expect(email(rng, personName(rng))).toMatch(/^[a-z]+\.[a-z]+[0-9]+@example\.(org|com|net)$/);
      expect(landline(rng)).toMatch(/^020 7946 0[0-9]{3}$/);
      expect(mobile(rng)).toMatch(/^07700 900[0-9]{3}$/);
    }
  });

  it('puts addresses in the borough asked for', () => {
    const made = address(rng, borough);
    expect(borough.postcodeDistricts).toContain(made.postcode.split(' ')[0]);
    expect(made.uprn).toMatch(UPRN);
  });

  it('makes RFC 3339 dates inside the range and shifts them by days', () => {
    for (let i = 0; i < 100; i++) {
      const date = dateBetween(rng, '2025-01-01', '2025-12-31');
      expect(date >= '2025-01-01' && date <= '2025-12-31').toBe(true);
      const instant = dateTimeBetween(rng, '2025-01-01T00:00:00Z', '2025-01-02T00:00:00Z');
      expect(instant).toMatch(/^2025-01-0[12]T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/);
    }
    expect(addDays('2025-02-27', 2)).toBe('2025-03-01');
    expect(addDays('2025-02-27T10:00:00Z', 1)).toBe('2025-02-28T10:00:00Z');
    expect(() => dateBetween(rng, '27/02/2025', '2025-03-01')).toThrow(/not an RFC 3339 date/);
  });
});
