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
        const options = profile ? { profile } : {};
        // Components in another file: reported as often as in the bundle of it.
        const shared = await judgedSplit(ruleId, document, options, false);
        expect(shared.split, 'components in another file').toHaveLength(shared.expected);
        // Path items in a third file too: reported at all exactly when the bundle is (a schema reached from
        // several operations in another file may be reported at each). Its bundle is the same document.
        const pathsToo = await judgedSplit(ruleId, document, options, true, shared.expected);
        expect(pathsToo.split.length > 0, `path items in another file: ${pathsToo.split.join(' / ')}`).toBe(
          pathsToo.expected > 0,
        );
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

/**
 * The rule's findings for the document split over files (see splitOverFiles), and how many it reports for
 * the bundle of that split (for the document itself where the bundler refuses the split, as it refuses a
 * remote `$ref`), unless that count is `known` already.
 */
async function judgedSplit(
  ruleId: string,
  document: Record<string, unknown>,
  options: { profile?: LintProfile },
  pathItemsToo: boolean,
  known?: number,
): Promise<{ split: string[]; expected: number }> {
  const { dir, entry } = await splitOverFiles(document, pathItemsToo);
  const ofRule = (result: { findings: readonly { checkId: string; message: string }[] }) =>
    result.findings.filter((finding) => finding.checkId === ruleId).map((finding) => finding.message);
  const split = ofRule(await lintDescription(entry, options));
  if (known !== undefined) return { split, expected: known };
  let judged: Record<string, unknown> = document;
  try {
    judged = (await bundleDocument(entry)).document;
  } catch (error) {
    if (!(error instanceof DocumentError)) throw error;
  }
  const expected = ofRule(
    await lintText(JSON.stringify(judged, null, 2), join(dir, 'bundled.json'), options),
  );
  return { split, expected: expected.length };
}

/**
 * The document with its components in `shared.json` beside it, every `#/components/…` `$ref` naming that
 * file; with `pathItemsToo`, each path item in `paths.json`, the entry's `paths` each a `$ref` to one.
 */
async function splitOverFiles(
  document: Record<string, unknown>,
  pathItemsToo: boolean,
): Promise<{ dir: string; entry: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'conform-rule-split-'));
  const { components, ...rest } = document;
  const { securitySchemes, ...shared } = (components ?? {}) as Record<string, unknown>;
  const kept = securitySchemes === undefined ? rest : { ...rest, components: { securitySchemes } };
  const entry = JSON.parse(
    JSON.stringify(kept).replace(/"\$ref":"#\/components\//g, '"$ref":"shared.json#/components/'),
  ) as Record<string, unknown>;
  if (pathItemsToo && entry.paths !== null && typeof entry.paths === 'object') {
    const paths = entry.paths as Record<string, unknown>;
    await writeFile(join(dir, 'paths.json'), JSON.stringify(paths, null, 2));
    entry.paths = Object.fromEntries(
      Object.keys(paths).map((path) => [
        path,
        { $ref: `paths.json#/${path.replace(/~/g, '~0').replace(/\//g, '~1')}` },
      ]),
    );
  }
  await writeFile(join(dir, 'openapi.json'), JSON.stringify(entry, null, 2));
  await writeFile(join(dir, 'shared.json'), JSON.stringify({ components: shared }, null, 2));
  return { dir, entry: join(dir, 'openapi.json') };
}
