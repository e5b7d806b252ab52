import { describe, expect, it } from 'vitest';
import { type LintProfile, lintText, pointerOf, ruleOf } from '../../src/index.ts';

type JsonPath = (string | number)[];

export interface RuleCase {
  readonly name: string;
  /** A description as data (linted as JSON) or as YAML text. */
  readonly document: Record<string, unknown> | string;
  /** Where the rule must report, exactly: an empty list for a passing document. */
  readonly errors: readonly { readonly path: JsonPath; readonly message?: RegExp }[];
  /** Where the description is said to come from (default: a local file). */
  readonly source?: string;
  readonly profile?: LintProfile;
}

/**
 * Spectral's table-driven style: each case lints a whole document with the whole ruleset and checks
 * exactly where this one rule reported, and that every finding carries the rule's clause and docs link.
 */
export function testRule(ruleId: string, cases: readonly RuleCase[]): void {
  describe(ruleId, () => {
    const rule = ruleOf(ruleId);
    it('is in the catalogue with a clause', () => {
      expect(rule, `${ruleId} is not in RULE_CATALOGUE`).toBeDefined();
    });
    it.each(cases)('$name', async ({ document, errors, source, profile }) => {
      const text = typeof document === 'string' ? document : JSON.stringify(document, null, 2);
      const result = await lintText(text, source ?? '/virtual/openapi.json', profile ? { profile } : {});
      const found = result.findings.filter((finding) => finding.checkId === ruleId);
      expect(found.map((finding) => finding.location.pointer).sort()).toEqual(
        errors.map((error) => pointerOf(error.path)).sort(),
      );
      for (const finding of found) {
        expect(finding.clause).toBe(rule?.clause);
        expect(finding.docs).toMatch(new RegExp(`/docs/ruleset\\.md#${rule ? '' : 'x'}`));
        if (rule && rule.severity !== 'off') expect(finding.severity).toBe(rule.severity);
      }
      for (const { path, message } of errors) {
        if (!message) continue;
        const here = found.filter((finding) => finding.location.pointer === pointerOf(path));
        expect(
          here.some((finding) => message.test(finding.message)),
          `${pointerOf(path)}: ${here.map((finding) => finding.message).join(' / ')}`,
        ).toBe(true);
      }
    });
  });
}
