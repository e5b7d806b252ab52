import { createRng } from '@council-conform/synthetic-data';
import { describe, expect, it } from 'vitest';
import { countDdmmyyyyBytes, DDMMYYYY } from '../src/support/ddmmyyyy.ts';

const byRegex = (text: string) => text.match(DDMMYYYY)?.length ?? 0;

describe('dd/mm/yyyy counting', () => {
  it.each([
    ['31/12/2024', 1],
    ['{"a":"01/02/2024","b":"29/02/2028"}', 2],
    ['2024-12-31', 0],
    ['32/12/2024 00/01/2024 10/13/2024 10/00/2024', 0],
    ['1/12/2024 /01/02/2024 01/02/2024/ 101/02/2024 01/02/20245 01/02/202', 0],
    ['https://example.org/12/01/2024', 0],
    ['on 12/01/2024x', 1],
    ['01/02/2024\n03/04/2025', 2],
    ['é01/02/2024é', 1],
  ])('%j has %i', (text, dates) => {
    expect(byRegex(text)).toBe(dates);
    expect(countDdmmyyyyBytes(Buffer.from(text))).toBe(dates);
  });

  it('counts the same from bytes as from text, over thousands of awkward strings', () => {
    const rng = createRng('ddmmyyyy-bytes');
    const pieces = [
      '0',
      '1',
      '2',
      '3',
      '9',
      '/',
      '/',
      '/',
      ' ',
      '\n',
      'é',
      '"',
      '12',
      '31/',
      '/20',
      '01/01/2024',
    ];
    for (let n = 0; n < 5_000; n++) {
      let text = '';
      for (let i = rng.int(0, 40); i > 0; i--) text += pieces[rng.int(0, pieces.length - 1)];
      expect(countDdmmyyyyBytes(Buffer.from(text)), text).toBe(byRegex(text));
    }
  });
});
