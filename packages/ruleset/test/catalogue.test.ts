import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isClauseId } from '@council-conform/clauses';
import { describe, expect, it } from 'vitest';
import {
  COUNCIL_RULES,
  createCouncilRuleset,
  ENGINE_CODES,
  RULE_CATALOGUE,
  RULESET_DOCS_PATH,
  renderRulesetDocs,
  SPECTRAL_OVERRIDES,
} from '../src/index.ts';

const rulesDir = join(import.meta.dirname, 'rules');
const testedRules = new Set(
  readdirSync(rulesDir)
    .filter((file) => file.endsWith('.test.ts'))
    .flatMap((file) => [...readFileSync(join(rulesDir, file), 'utf8').matchAll(/testRule\('([^']+)'/g)])
    .map((match) => match[1]),
);

describe('the rule catalogue', () => {
  it('gives every rule a checklist clause and a docs link to its own heading', () => {
    for (const entry of RULE_CATALOGUE) {
      expect(isClauseId(entry.clause), `${entry.id}: ${entry.clause}`).toBe(true);
      expect(entry.docs).toMatch(/\/docs\/ruleset\.md#[a-z0-9_-]+$/);
    }
    expect(new Set(RULE_CATALOGUE.map((entry) => entry.id)).size).toBe(RULE_CATALOGUE.length);
  });

  it('names each Council rule after its clause', () => {
    for (const [id, rule] of Object.entries(COUNCIL_RULES))
      expect(id.startsWith(`${rule.clause}-`), id).toBe(true);
  });

  it('has a table-driven test for every Council rule, every changed Spectral rule and every engine check', () => {
    const changed = Object.entries(SPECTRAL_OVERRIDES)
      .filter(([, override]) => override.severity !== 'off')
      .map(([id]) => id);
    const untested = [...Object.keys(COUNCIL_RULES), ...changed, ...Object.keys(ENGINE_CODES)].filter(
      (id) => !testedRules.has(id),
    );
    expect(untested).toEqual([]);
  });

  it('builds a Spectral ruleset whose Council rules carry their clause and docs link', () => {
    const ruleset = createCouncilRuleset({ profile: { id: 'example', requiredOperations: ['a'] } }) as {
      rules: Record<string, { extensions?: { clause?: string }; documentationUrl?: string }>;
    };
    for (const [id, rule] of Object.entries(COUNCIL_RULES)) {
      expect(ruleset.rules[id]?.extensions?.clause, id).toBe(rule.clause);
      expect(ruleset.rules[id]?.documentationUrl, id).toMatch(/ruleset\.md#/);
    }
  });
});

describe('docs/ruleset.md', () => {
  it('is generated from the ruleset and up to date', () => {
    expect(
      readFileSync(RULESET_DOCS_PATH, 'utf8'),
      'docs/ruleset.md is stale: run pnpm --filter @council-conform/ruleset docs',
    ).toBe(renderRulesetDocs());
  });

  it('has a heading for every rule a finding can link to', () => {
    const docs = renderRulesetDocs();
    for (const entry of RULE_CATALOGUE.filter((e) => e.severity !== 'off')) {
      expect(docs, entry.id).toContain(`\n### ${entry.id}\n`);
    }
  });
});
