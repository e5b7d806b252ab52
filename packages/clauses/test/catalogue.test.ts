import { describe, expect, it } from 'vitest';
import { CLAUSE_IDS, CLAUSES, getClause, isClauseId, PROCUREMENT_ASKS } from '../src/index.ts';

describe('the clause catalogue', () => {
  it('holds the 14 checklist clauses in checklist order with their stable ids', () => {
    // These ids are keys in every published report: changing one breaks every certificate ever issued.
    expect(CLAUSES.map((clause) => `${clause.number} ${clause.id}`)).toEqual([
      '1 open-api',
      '2 public-data',
      '3 personal-data',
      '4 no-advertising',
      '5 right-to-data',
      '6 easy-exit',
      '7 inclusion',
      '8 secure',
      '9 seamless',
      '10 transparent',
      '11 no-discrimination',
      '12 open-standards',
      '13 no-lock-in',
      '14 no-bundling',
    ]);
    expect(CLAUSES.map((clause) => clause.id)).toEqual([...CLAUSE_IDS]);
  });

  it('has unique ids and numbers', () => {
    expect(new Set(CLAUSES.map((clause) => clause.id)).size).toBe(CLAUSES.length);
    expect(new Set(CLAUSES.map((clause) => clause.number)).size).toBe(CLAUSES.length);
  });

  it.each(CLAUSES.map((clause) => [clause.id, clause] as const))(
    '%s has a title, a requirement, an assessment and matching evidence',
    (_id, clause) => {
      expect(clause.title.length).toBeGreaterThan(3);
      expect(clause.requirement.length).toBeGreaterThan(40);
      expect(['automated', 'attested', 'both']).toContain(clause.assessment);
      const wantsAutomated = clause.assessment !== 'attested';
      const wantsAttested = clause.assessment !== 'automated';
      expect(Boolean(clause.evidence.automated), 'automated evidence').toBe(wantsAutomated);
      expect(Boolean(clause.evidence.attested), 'attested evidence').toBe(wantsAttested);
    },
  );

  it('maps every wider procurement ask to a real clause', () => {
    expect(PROCUREMENT_ASKS.length).toBeGreaterThanOrEqual(7);
    for (const ask of PROCUREMENT_ASKS) expect(isClauseId(ask.strengthens), ask.id).toBe(true);
    expect(new Set(PROCUREMENT_ASKS.map((ask) => ask.id)).size).toBe(PROCUREMENT_ASKS.length);
  });

  it('looks clauses up by id and names the known ids when asked for an unknown one', () => {
    expect(getClause('right-to-data').number).toBe(5);
    expect(() => getClause('right-to-date')).toThrow(/known ids: open-api, public-data/);
  });
});
