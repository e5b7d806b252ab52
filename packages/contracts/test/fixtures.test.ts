import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR, generateSyntheticRegisters, SYNTHETIC_REGISTERS } from '../fixtures/index.ts';
import { decodeRegister, parseContractsRegister } from '../src/index.ts';

const read = async (path: string) => {
  const { text, encoding } = decodeRegister(await readFile(path));
  return { ...parseContractsRegister(text), encoding };
};

describe('the synthetic registers', () => {
  it('are committed exactly as the generator writes them (pnpm --filter @council-conform/contracts fixtures)', async () => {
    const generated = generateSyntheticRegisters();
    expect([...generated.keys()].sort()).toEqual(
      SYNTHETIC_REGISTERS.map((r) => r.path.slice(FIXTURES_DIR.length + 1)).sort(),
    );
    for (const [file, bytes] of generated)
      expect((await readFile(`${FIXTURES_DIR}/${file}`)).equals(bytes), file).toBe(true);
    // Deterministic: a second run writes the same bytes.
    for (const [file, bytes] of generateSyntheticRegisters())
      expect(bytes.equals(generated.get(file) as Buffer)).toBe(true);
  });

  it('are three London boroughs’ registers, each with good rows and malformed ones reported by line', async () => {
    const [camden, hackney, islington] = await Promise.all(SYNTHETIC_REGISTERS.map((r) => read(r.path)));
    expect(SYNTHETIC_REGISTERS.map((r) => r.council.name)).toEqual(['Camden', 'Hackney', 'Islington']);
    expect(camden?.problems.map((p) => [p.line, p.message])).toEqual([
      [4, 'End date: "31/02/2027" is not a date in the calendar'],
      [8, 'Value: "£12,5O0.00" is not an amount of money in pounds, such as 125000 or £125,000.00'],
      [12, 'the quoted field 6 opened on line 12 is never closed'],
    ]);
    expect(hackney?.encoding).toBe('windows-1252');
    expect(hackney?.problems.map((p) => [p.line, p.column])).toEqual([
      [5, 'Contract reference number'],
      [9, undefined],
    ]);
    expect(hackney?.problems[1]?.message).toMatch(/^the row has 15 fields, but the header has 14/);
    // Islington's fourth contract spans two lines (a line break inside quotes), so its duplicate is on line 8.
    expect(islington?.problems.map((p) => [p.line, p.message])).toEqual([
      [4, expect.stringContaining('"12AB" is not a Companies House number')],
      [8, 'contract reference "ISL/2021/118" is on line 2 already'],
      [13, 'End date 31/03/2025 is before the start date'],
    ]);
    for (const register of [camden, hackney, islington]) expect(register?.contracts).toHaveLength(8);
  });

  it('give the demo’s conformant supplier street reporting contracts in Camden and Hackney ending in neighbouring quarters', async () => {
    const [camden, hackney, islington] = await Promise.all(SYNTHETIC_REGISTERS.map((r) => read(r.path)));
    const example = (register: typeof camden) =>
      register?.contracts.filter((c) => c.supplierNameKey === 'example civic software');
    expect(example(camden)?.map((c) => [c.companyNumber, c.endDate])).toEqual([['99000101', '2029-03-31']]);
    expect(example(hackney)?.map((c) => [c.companyNumber, c.endDate])).toEqual([['99000101', '2029-06-30']]);
    // Named its own way, without a number: for a person to review.
    expect(example(islington)?.map((c) => [c.supplierName, c.companyNumber])).toEqual([
      ['EXAMPLE CIVIC SOFTWARE LIMITED', null],
    ]);
  });
});
