import { describe, expect, it } from 'vitest';
import { idShape } from '../src/personal-data/personal-data-tenant-isolation.ts';
import { CSV_DECODE_PIECE_BYTES, CsvByteReader, CsvStreamChecker } from '../src/support/csv-stream.ts';
import { judgeDateValue } from '../src/support/dates.ts';
import { parseHttpDate, parseStructuredDate } from '../src/support/http-dates.ts';
import { isNhsNumber, PersonalValueIndex, personalPatternsIn } from '../src/support/personal.ts';

describe('Deprecation and Sunset are read as their RFCs write them', () => {
  it('takes an RFC 9745 structured date and nothing looser', () => {
    expect(parseStructuredDate('@1798761600')).toBe(Date.UTC(2027, 0, 1));
    expect(parseStructuredDate(' @-1 ')).toBe(-1000);
    // What suppliers send instead, and what Date.parse would have let through.
    for (const loose of ['true', 'yes', '1798761600', 'Fri, 01 Jan 2027 00:00:00 GMT', '@1.5', '@'])
      expect(parseStructuredDate(loose), loose).toBeUndefined();
  });

  it('takes the three HTTP-date forms of RFC 9110, with the right day of the week, and no ISO 8601', () => {
    const at = Date.UTC(2028, 0, 1);
    expect(parseHttpDate('Sat, 01 Jan 2028 00:00:00 GMT')).toBe(at);
    expect(parseHttpDate('Saturday, 01-Jan-28 00:00:00 GMT')).toBe(at);
    expect(parseHttpDate('Sat Jan  1 00:00:00 2028')).toBe(at);
    for (const wrong of [
      '2028-01-01T00:00:00.000Z',
      '2027-06-30',
      'Fri, 01 Jan 2028 00:00:00 GMT', // 1 January 2028 is a Saturday
      'Sat, 31 Feb 2028 00:00:00 GMT',
      'Sat, 01 Jan 2028 00:00:00 BST',
      'sat, 01 jan 2028 00:00:00 gmt',
    ])
      expect(parseHttpDate(wrong), wrong).toBeUndefined();
  });
});

describe('one rule for what a date value is', () => {
  const date = new Set(['date']);
  it('asks a declared date field for RFC 3339, and says when it is written day first', () => {
    expect(judgeDateValue('2026-12-14', date)).toEqual({ date: true, ok: true });
    expect(judgeDateValue('14/12/2026', date)).toMatchObject({ date: true, ok: false, dayFirst: true });
    expect(judgeDateValue('2026-02-30', date)).toMatchObject({ date: true, ok: false, dayFirst: false });
  });

  it('treats a whole text value written day first as a date, and a date inside prose as words', () => {
    expect(judgeDateValue('14.12.2026', undefined)).toMatchObject({ date: true, ok: false, dayFirst: true });
    expect(judgeDateValue('Repair booked for 14/12/2026', undefined)).toEqual({ date: false });
    expect(judgeDateValue('ref 2026/12/14-A', undefined)).toEqual({ date: false });
  });
});

describe('personal data in free text', () => {
  it('finds unambiguous identifiers (NI and NHS numbers, dates of birth)', () => {
    const kinds = (text: string) => personalPatternsIn(text).map((p) => [p.kind, p.unambiguous]);
    expect(kinds('Tenant NI JC123456C asked again')).toEqual([['a National Insurance number', true]]);
    expect(kinds('NHS number 943 476 5919 on file')).toEqual([['an NHS number', true]]);
    expect(kinds('Caller was born on 14 March 1984')).toEqual([['a date of birth', true]]);
    expect(isNhsNumber('9434765919')).toBe(true);
    expect(isNhsNumber('9434765918')).toBe(false);
  });

  it('only doubts an organisation’s switchboard or role mailbox: a warning, never a failure', () => {
    const found = personalPatternsIn(
      'Call the council on 020 8356 3000 or e-mail streetscene@hackney.gov.uk',
    );
    expect(found.map((p) => p.kind).sort()).toEqual(['a UK phone number', 'an e-mail address']);
    expect(found.every((p) => !p.unambiguous)).toBe(true);
  });
});

describe('values the API itself holds as personal data', () => {
  it('are found in public free text however they are written around, and nothing else is', () => {
    const held = new PersonalValueIndex();
    held.add('Hannah Nguyen', 'premises_licences.name');
    held.add('hannah.nguyen81@example.com', 'premises_licences.email');
    held.add('07700 900527', 'premises_licences.phone');
    held.add('Ms', 'premises_licences.title'); // too short to look for
    expect(held.find('Licensee: Hannah Nguyen (sole trader).')).toBe('premises_licences.name');
    expect(held.find('write to HANNAH.NGUYEN81@example.com')).toBe('premises_licences.email');
    expect(held.find('call +44 7700 900527 after six')).toBe('premises_licences.phone');
    expect(held.find('Ms Patel runs the bar; call the council on 020 8356 3000')).toBeUndefined();
    expect(held.find('Hannah')).toBeUndefined();
  });

  it('finds a name within quotes and after a capitalised prefix, from the word’s first capital', () => {
    const held = new PersonalValueIndex();
    held.add('Hannah Nguyen', 'premises_licences.name');
    expect(held.find("signed '-Hannah Nguyen, for the firm")).toBe('premises_licences.name');
    expect(held.find('the NHSHannah Nguyen trust')).toBeUndefined(); // the run is "NHSHannah Nguyen"
  });

  // Tried from every character, these backtracked without bound: 40 KB took a second, a megabyte hours,
  // and a supplier could stall a run with one large answer. Searched in linear time, each is quick.
  it.for([
    ['letters', 'a'.repeat(1_000_000)],
    ['capitals', 'A'.repeat(1_000_000)],
    ['an address with no dot in its domain', `a@${'a'.repeat(1_000_000)}`],
    ['capitalised words', 'Ab '.repeat(333_333)],
  ] as const)('searches a megabyte of %s without backtracking on it', ([, text], { expect }) => {
    const held = new PersonalValueIndex();
    held.add('Hannah Nguyen', 'premises_licences.name');
    held.add('hannah.nguyen81@example.com', 'premises_licences.email');
    expect(held.find(text)).toBeUndefined();
    expect(personalPatternsIn(text)).toEqual([]);
    expect(held.find(`${text} Hannah Nguyen`)).toBe('premises_licences.name');
    expect(held.find(`${text} hannah.nguyen81@example.com`)).toBe('premises_licences.email');
  });
});

describe('id shapes', () => {
  it('tell migrated ids from the rest, and see one shape in ids of different values', () => {
    expect(idShape('2026-100231')).toBe('9-9');
    expect(idShape('LEG-004512')).toBe('A-9');
    expect(idShape('3f2a4b1c-0d9e-4e1f-8a2b-7c6d5e4f3a2b')).toBe(
      idShape('b9e8d7c6-a5b4-4c3d-9e2f-1a0b9c8d7e6f'),
    );
    expect(idShape('LEG-004512')).not.toBe(idShape('2026-100231'));
  });
});

describe('the CSV reader hands each record’s cells on, as RFC 4180 writes them', () => {
  it('keeps quoted commas, escaped quotes and line breaks in their cell, however the text is cut', () => {
    const text =
      'id,note,when\r\n1,"a, b",2026-01-01\r\n2,"he said ""hi""\r\nbye",\r\n3,plain,14/12/2026\r\n';
    for (const cut of [1, 2, 3, 5, 7, 11, text.length]) {
      const rows: string[][] = [];
      const reader = new CsvStreamChecker(10, (cells) => rows.push([...cells]));
      for (let at = 0; at < text.length; at += cut) reader.write(text.slice(at, at + cut));
      reader.end();
      expect(reader.header).toEqual(['id', 'note', 'when']);
      expect(rows, `cut every ${cut}`).toEqual([
        ['1', 'a, b', '2026-01-01'],
        ['2', 'he said "hi"\r\nbye', ''],
        ['3', 'plain', '14/12/2026'],
      ]);
      expect(reader.problems).toEqual([]);
    }
  });
});

describe('CSV bytes reach the reader decoded in pieces no larger than a young-generation string', () => {
  // Names of one, two, three and four UTF-8 bytes a character, so that piece edges fall inside characters.
  const names = ['Ann', 'Zoë', 'Café €5', 'Dŵr 😀', 'Ōtautahi'];
  const rows = Array.from({ length: 40_000 }, (_, n) => [`r${n}`, names[n % names.length] as string]);
  const bytes = Buffer.from(`id,name\r\n${rows.map((row) => row.join(',')).join('\r\n')}\r\n`, 'utf8');

  it.for([
    ['as one block', bytes.length],
    ['cut every 7 bytes', 7],
    ['cut every 100,001 bytes', 100_001],
  ] as const)('reads every cell whole when the file arrives %s', ([, cut]) => {
    const read: string[][] = [];
    const checker = new CsvStreamChecker(10, (cells) => read.push([...cells]));
    let longest = 0;
    const write = checker.write.bind(checker);
    checker.write = (text: string) => {
      longest = Math.max(longest, text.length);
      write(text);
    };
    const reader = new CsvByteReader(checker);
    for (let at = 0; at < bytes.length; at += cut) reader.write(bytes.subarray(at, at + cut));
    reader.end();
    expect(bytes.length).toBeGreaterThan(8 * CSV_DECODE_PIECE_BYTES);
    expect(longest).toBeLessThanOrEqual(CSV_DECODE_PIECE_BYTES);
    expect(checker.header).toEqual(['id', 'name']);
    expect(read).toEqual(rows);
    expect(checker.problems).toEqual([]);
  });
});
