import { describe, expect, it } from 'vitest';
import {
  formatPounds,
  normaliseCompanyNumber,
  parseFlag,
  parseMoney,
  parseRegisterDate,
  supplierNameKey,
} from '../src/values.ts';

describe('parseRegisterDate', () => {
  it('reads the LGA’s dd/mm/yyyy (and ISO 8601) as ISO 8601', () => {
    expect(parseRegisterDate('31/03/2029')).toBe('2029-03-31');
    expect(parseRegisterDate('1/4/2024')).toBe('2024-04-01');
    expect(parseRegisterDate(' 01/04/2024 00:00 ')).toBe('2024-04-01');
    expect(parseRegisterDate('01-04-2024')).toBe('2024-04-01');
    expect(parseRegisterDate('2024-04-01')).toBe('2024-04-01');
    expect(parseRegisterDate('29/02/2028')).toBe('2028-02-29');
  });

  it('gives null for a cell that says nothing', () => {
    for (const cell of ['', '  ', 'N/A', '-', 'none']) expect(parseRegisterDate(cell)).toBeNull();
  });

  it('refuses what is not a date, saying what it should be', () => {
    expect(() => parseRegisterDate('31/02/2027')).toThrow('"31/02/2027" is not a date in the calendar');
    expect(() => parseRegisterDate('29/02/2027')).toThrow('not a date in the calendar');
    expect(() => parseRegisterDate('03/31/2029')).toThrow(
      'has no month 31: write dates as dd/mm/yyyy, day first',
    );
    expect(() => parseRegisterDate('31/03/29')).toThrow('has a 2-digit year');
    expect(() => parseRegisterDate('March 2029')).toThrow(
      '"March 2029" is not a date: write dates as dd/mm/yyyy',
    );
    expect(() => parseRegisterDate('2029-02-30')).toThrow('not a date in the calendar');
  });
});

describe('parseMoney', () => {
  it('reads pounds as registers write them, in whole pence', () => {
    expect(parseMoney('£1,250,000.00')).toBe(125_000_000);
    expect(parseMoney('1250000')).toBe(125_000_000);
    expect(parseMoney('£ 980,500')).toBe(98_050_000);
    expect(parseMoney('12.5')).toBe(1250);
    expect(parseMoney('0.015')).toBe(2);
    expect(parseMoney('0')).toBe(0);
    expect(parseMoney('n/a')).toBeNull();
  });

  it('refuses what is not an amount of money', () => {
    expect(() => parseMoney('£12,5O0.00')).toThrow('"£12,5O0.00" is not an amount of money in pounds');
    expect(() => parseMoney('12,50')).toThrow('is not an amount of money');
    expect(() => parseMoney('-500')).toThrow('is a negative amount');
    expect(() => parseMoney('£2m')).toThrow('is not an amount of money');
    expect(() => parseMoney('9'.repeat(20))).toThrow('too large');
  });

  it('writes pence back as pounds with two decimal places', () => {
    expect(formatPounds(125_000_000)).toBe('1250000.00');
    expect(formatPounds(1205)).toBe('12.05');
    expect(formatPounds(0)).toBe('0.00');
  });
});

describe('normaliseCompanyNumber', () => {
  it('gives eight characters, upper case, padding the zeros a spreadsheet dropped', () => {
    expect(normaliseCompanyNumber('01234567')).toBe('01234567');
    expect(normaliseCompanyNumber('1234567')).toBe('01234567');
    expect(normaliseCompanyNumber('99 000 101')).toBe('99000101');
    expect(normaliseCompanyNumber('sc123456')).toBe('SC123456');
    expect(normaliseCompanyNumber('R0123456')).toBe('R0123456');
    expect(normaliseCompanyNumber('N/A')).toBeNull();
  });

  it('refuses what is not a Companies House number', () => {
    for (const cell of ['12AB', '123456789', 'SC12345', 'ABCDEFGH'])
      expect(() => normaliseCompanyNumber(cell), cell).toThrow('is not a Companies House number');
  });
});

describe('parseFlag', () => {
  it('reads Yes and No in the spellings registers use, and blank as not known', () => {
    expect(['Yes', 'y', 'TRUE', '1'].map(parseFlag)).toEqual([true, true, true, true]);
    expect(['No', 'N', 'false', '0'].map(parseFlag)).toEqual([false, false, false, false]);
    expect(parseFlag('')).toBeNull();
    expect(() => parseFlag('Maybe')).toThrow('"Maybe" is neither Yes nor No');
  });
});

describe('supplierNameKey', () => {
  it('compares names without case, punctuation, accents, "The" or the legal form', () => {
    const key = supplierNameKey('Example Civic Software Ltd');
    expect(key).toBe('example civic software');
    for (const name of [
      'EXAMPLE CIVIC SOFTWARE LIMITED',
      'Example Civic Software Ltd.',
      'The Example Civic Software Co Ltd',
      'Exámple  Civic-Software (UK) Limited',
    ])
      expect(supplierNameKey(name), name).toBe(key);
    expect(supplierNameKey('Smith & Sons plc')).toBe(supplierNameKey('Smith and Sons PLC'));
    // A name that is only a legal form keeps it, rather than becoming empty and matching every such name.
    expect(supplierNameKey('Ltd')).toBe('ltd');
  });
});
