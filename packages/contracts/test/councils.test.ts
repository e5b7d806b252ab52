import { describe, expect, it } from 'vitest';
import { councilOf, describeUnknownCouncil, LONDON_COUNCILS } from '../src/councils.ts';

describe('councils', () => {
  it('knows the 33 London local authorities by their GSS codes', () => {
    expect(LONDON_COUNCILS).toHaveLength(33);
    expect(councilOf('E09000007')).toEqual({ code: 'E09000007', name: 'Camden' });
    expect(councilOf(' e09000012 ')).toEqual({ code: 'E09000012', name: 'Hackney' });
    expect(councilOf('E08000001')).toBeUndefined();
  });

  it('says why a code is not one it knows', () => {
    expect(describeUnknownCouncil('E08000001')).toBe(
      'E08000001 is not the GSS code of a London local authority (E09000001 to E09000033)',
    );
    expect(describeUnknownCouncil('Camden')).toMatch(/^"Camden" is not a GSS code/);
  });
});
