import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/csv.ts';

describe('parseCsv (RFC 4180)', () => {
  it('splits records on CRLF, LF or a lone CR, numbering each by the line it starts on', () => {
    expect(parseCsv('a,b\r\nc,d\ne,f\rg,h').records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd'] },
      { line: 3, fields: ['e', 'f'] },
      { line: 4, fields: ['g', 'h'] },
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, counting the lines they span', () => {
    const table = parseCsv('ref,text\r\n1,"a, ""b""\r\nc"\r\n2,plain\r\n');
    expect(table.problems).toEqual([]);
    expect(table.records).toEqual([
      { line: 1, fields: ['ref', 'text'] },
      { line: 2, fields: ['1', 'a, "b"\r\nc'] },
      { line: 4, fields: ['2', 'plain'] },
    ]);
  });

  it('keeps empty fields and a quote inside an unquoted field, and skips blank lines', () => {
    expect(parseCsv('a,,c\n\n\nx"y,"",z\n').records).toEqual([
      { line: 1, fields: ['a', '', 'c'] },
      { line: 4, fields: ['x"y', '', 'z'] },
    ]);
  });

  it('reports text after a closing quote on its line, skips that record and reads on', () => {
    const table = parseCsv('h1,h2\n1,"ok"\n2,"bad"x,3\n4,fine\n');
    expect(table.records.map((r) => r.fields[0])).toEqual(['h1', '1', '4']);
    expect(table.problems).toEqual([{ line: 3, message: 'field 2 has text after its closing quote' }]);
  });

  it('reports a quote never closed with the line it opened on, keeping every record before it', () => {
    const table = parseCsv('h1,h2\n1,one\n2,"never\nclosed,3\n');
    expect(table.records.map((r) => r.fields[0])).toEqual(['h1', '1']);
    expect(table.problems).toEqual([
      { line: 3, message: 'the quoted field 2 opened on line 3 is never closed' },
    ]);
  });

  it('reads an empty text as no records', () => {
    expect(parseCsv('')).toEqual({ records: [], problems: [] });
  });
});
