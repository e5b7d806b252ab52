import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleDocument, DocumentError } from '@council-conform/openapi';
import { describe, expect, it } from 'vitest';
import { type LintProfile, lintDescription, lintText, pointerOf, ruleOf } from '../../src/index.ts';

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
 * Each case written as data is also split over two files, its components (but its security schemes, which
 * are named, never `$ref`d) moved to `shared.json`: the rule must report the split description as often as
 * `conform bundle`'s one file of it (or, where the bundler refuses the split, as the case itself), so that
 * splitting a description over files hides nothing from it.
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
      if (typeof document !== 'string' && source === undefined) {
        const split = await splitOverFiles(document);
        const options = profile ? { profile } : {};
        const splitFound = (await lintDescription(split.entry, options)).findings.filter(
          (finding) => finding.checkId === ruleId,
        );
        let expected = found.length;
        try {
          const { document: bundled } = await bundleDocument(split.entry);
          const text = JSON.stringify(bundled, null, 2);
          expected = (await lintText(text, join(split.dir, 'bundled.json'), options)).findings.filter(
            (finding) => finding.checkId === ruleId,
          ).length;
        } catch (error) {
          if (!(error instanceof DocumentError)) throw error;
        }
        expect(
          splitFound.map((finding) => finding.message),
          'split over two files',
        ).toHaveLength(expected);
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

/** The document with its components in `shared.json` beside it, every `#/components/…` `$ref` naming that file. */
async function splitOverFiles(document: Record<string, unknown>): Promise<{ dir: string; entry: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'conform-rule-split-'));
  const { components, ...rest } = document;
  const { securitySchemes, ...shared } = (components ?? {}) as Record<string, unknown>;
  const entry = securitySchemes === undefined ? rest : { ...rest, components: { securitySchemes } };
  const text = JSON.stringify(entry, null, 2).replace(
    /"\$ref": "#\/components\//g,
    '"$ref": "shared.json#/components/',
  );
  await writeFile(join(dir, 'openapi.json'), text);
  await writeFile(join(dir, 'shared.json'), JSON.stringify({ components: shared }, null, 2));
  return { dir, entry: join(dir, 'openapi.json') };
}
