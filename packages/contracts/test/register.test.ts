import { describe, expect, it } from 'vitest';
import { parseContractsRegister, RegisterError } from '../src/register.ts';
import { decodeRegister } from '../src/source.ts';

const HEADER =
  'Contract reference number,Title,Description,Organisational unit,Start date,End date,Review date,Value,Supplier name,Supplier registered company number,SME,VCSE';
const row = (fields: Partial<Record<string, string>> = {}) =>
  [
    fields.reference ?? 'REF-1',
    fields.title ?? 'Street reporting system',
    fields.description ?? 'Reports of potholes',
    fields.unit ?? 'Environment',
    fields.start ?? '01/04/2024',
    fields.end ?? '31/03/2029',
    fields.review ?? '',
    fields.value ?? '£1000.00',
    fields.supplier ?? 'Example Civic Software Ltd',
    fields.number ?? '99000101',
    fields.sme ?? 'Yes',
    fields.vcse ?? 'No',
  ].join(',');

describe('parseContractsRegister', () => {
  it('normalises every field of a good row: ISO dates, pence, company number, flags, name key', () => {
    const parsed = parseContractsRegister(`${HEADER}\r\n${row()}\r\n`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.rowsRead).toBe(1);
    expect(parsed.contracts).toEqual([
      {
        line: 2,
        reference: 'REF-1',
        title: 'Street reporting system',
        description: 'Reports of potholes',
        organisationalUnit: 'Environment',
        startDate: '2024-04-01',
        endDate: '2029-03-31',
        reviewDate: null,
        valuePence: 100_000,
        supplierName: 'Example Civic Software Ltd',
        supplierNameKey: 'example civic software',
        companyNumber: '99000101',
        sme: true,
        vcse: false,
      },
    ]);
  });

  it('reports each bad row with its line and the fault, skips it and keeps every good row', () => {
    const text = [
      HEADER,
      row({ reference: 'GOOD-1' }),
      row({ reference: 'BAD-DATE', end: '31/02/2027' }),
      row({ reference: '' }),
      row({ reference: 'BAD-VALUE', value: 'twelve pounds' }),
      `${row({ reference: 'TOO-MANY' })},extra`,
      row({ reference: 'GOOD-1', title: 'again' }),
      row({ reference: 'BACKWARDS', start: '01/04/2030', end: '01/04/2029' }),
      row({ reference: 'NO-END', end: '' }),
      row({ reference: 'TWO-FAULTS', end: 'soon', sme: 'perhaps' }),
      row({ reference: 'GOOD-2' }),
    ].join('\n');
    const parsed = parseContractsRegister(text);
    expect(parsed.contracts.map((c) => [c.line, c.reference])).toEqual([
      [2, 'GOOD-1'],
      [11, 'GOOD-2'],
    ]);
    expect(parsed.problems.map((p) => [p.line, p.column, p.message])).toEqual([
      [3, 'End date', 'End date: "31/02/2027" is not a date in the calendar'],
      [4, 'Contract reference number', 'Contract reference number is empty'],
      [
        5,
        'Value',
        'Value: "twelve pounds" is not an amount of money in pounds, such as 125000 or £125,000.00',
      ],
      [
        6,
        undefined,
        'the row has 13 fields, but the header has 12: a comma too many or too few, or a field that should be in quotes',
      ],
      [7, 'Contract reference number', 'contract reference "GOOD-1" is on line 2 already'],
      [8, 'End date', 'End date 01/04/2029 is before the start date'],
      [9, 'End date', 'End date is empty: the register must say when the contract ends'],
      [10, 'End date', 'End date: "soon" is not a date: write dates as dd/mm/yyyy'],
      [10, 'SME', 'SME: "perhaps" is neither Yes nor No'],
    ]);
    expect(parsed.refusedLines).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(parsed.rowsRead).toBe(10);
  });

  it('finds columns by the names councils give them, ignoring case, spacing and columns it does not need', () => {
    const text = [
      'Organisation URI,ContractReferenceNumber,CONTRACT TITLE,Contract end date,Vendor,CPV code,Company_Number',
      'http://example/id,R-9,Waste collection system,30/06/2028,Greenway Digital Ltd,72000000,1234567',
    ].join('\n');
    const [contract] = parseContractsRegister(text).contracts;
    expect(contract).toMatchObject({
      reference: 'R-9',
      title: 'Waste collection system',
      endDate: '2028-06-30',
      supplierName: 'Greenway Digital Ltd',
      companyNumber: '01234567',
      description: null,
      startDate: null,
      valuePence: null,
      sme: null,
    });
  });

  it('skips rows that are all empty, as spreadsheets leave at the end', () => {
    const parsed = parseContractsRegister(`${HEADER}\n${row()}\n,,,,,,,,,,,\n\n`);
    expect(parsed.contracts).toHaveLength(1);
    expect(parsed.problems).toEqual([]);
    expect(parsed.rowsRead).toBe(1);
  });

  it('refuses a register without a column it needs, naming the column and what else it may be called', () => {
    let error: unknown;
    try {
      parseContractsRegister('Title,Supplier name,Start date\nA,B,01/01/2024\n');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RegisterError);
    expect((error as RegisterError).code).toBe('REGISTER_COLUMNS_MISSING');
    expect((error as RegisterError).message).toContain(
      'has no "Contract reference number" column (or "Reference number"',
    );
    expect((error as RegisterError).message).toContain('no "End date" column');
  });

  it('refuses a register that names one column twice, and an empty one', () => {
    expect(() => parseContractsRegister(`${HEADER},Reference\n`)).toThrow(
      /"Contract reference number" and "Reference" are both the Contract reference number/,
    );
    expect(() => parseContractsRegister('')).toThrow(/the register is empty/);
    expect(() => parseContractsRegister('\n\n')).toThrow(/the register is empty/);
    expect(() => parseContractsRegister('"Title,Reference\n')).toThrow(
      /the header row cannot be read: line 1/,
    );
  });

  it('reads a header with no rows as a register of no contracts', () => {
    expect(parseContractsRegister(`${HEADER}\r\n`)).toEqual({
      contracts: [],
      problems: [],
      rowsRead: 0,
      refusedLines: [],
    });
  });
});

describe('decodeRegister', () => {
  it('reads UTF-8, dropping a byte order mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Title,£5\n', 'utf8')]);
    expect(decodeRegister(bytes)).toEqual({ text: 'Title,£5\n', encoding: 'utf-8' });
  });

  it('falls back to Windows-1252, as spreadsheets on Windows save CSV', () => {
    expect(decodeRegister(Buffer.from([0x54, 0x2c, 0xa3, 0x35, 0x92]))).toEqual({
      text: 'T,£5’',
      encoding: 'windows-1252',
    });
  });

  it('refuses bytes that are not text at all', () => {
    expect(() => decodeRegister(Buffer.from('T\u0000i\u0000', 'latin1'))).toThrow(
      /NUL bytes: it is not a CSV text file/,
    );
  });
});
