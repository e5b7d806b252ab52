import type { ClauseId } from '@council-conform/clauses';
import { COUNCIL_RULES, type CouncilRule, ENGINE_CODES, type Severity, SPECTRAL_OVERRIDES } from './rules.ts';
import { oas, type RuleDefinition, type RulesetDefinition } from './spectral.ts';

export const DOCS_URL = 'https://github.com/council-conform/council-conform/blob/main/docs/ruleset.md';

/** The heading anchor GitHub gives `### rule-id` (lower case, punctuation other than - and _ dropped). */
export function anchorOf(id: string): string {
  return id
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}

export const docsUrlOf = (id: string): string => `${DOCS_URL}#${anchorOf(id)}`;

export type RuleSource = 'council' | 'spectral:oas' | 'spectral-core';

/** One line of the catalogue: a rule (or engine check) that can produce a finding, and where it comes from. */
export interface CatalogueEntry {
  readonly id: string;
  readonly clause: ClauseId;
  readonly severity: Severity | 'off';
  readonly description: string;
  readonly why?: string;
  readonly source: RuleSource;
  readonly docs: string;
  readonly needsProfile?: boolean;
}

const SEVERITY_NAMES: readonly Severity[] = ['error', 'warn', 'info', 'hint'];

function severityOf(value: unknown): Severity | 'off' {
  if (typeof value === 'number') return SEVERITY_NAMES[value] ?? 'warn';
  if (value === 'off' || value === false || value === -1) return 'off';
  if (typeof value === 'string' && (SEVERITY_NAMES as readonly string[]).includes(value))
    return value as Severity;
  return 'warn';
}

interface OasRule {
  readonly description?: string;
  readonly message?: string;
  readonly recommended?: boolean;
  readonly severity?: unknown;
  readonly formats?: readonly { displayName?: string }[];
}

/** Spectral's recommended `oas` rules that apply to OpenAPI 3 (the ruleset never lints Swagger 2.0). */
function inheritedRules(): [string, OasRule][] {
  return Object.entries(oas.rules as unknown as Record<string, OasRule>).filter(
    ([, rule]) =>
      rule.recommended !== false &&
      (rule.formats === undefined ||
        rule.formats.some((format) => format.displayName?.startsWith('OpenAPI 3') ?? false)),
  );
}

function buildCatalogue(): CatalogueEntry[] {
  const council = Object.entries(COUNCIL_RULES).map(
    ([id, rule]: [string, CouncilRule]): CatalogueEntry => ({
      id,
      clause: rule.clause,
      severity: rule.severity,
      description: rule.description,
      why: rule.why,
      source: 'council',
      docs: docsUrlOf(id),
      ...(rule.needsProfile ? { needsProfile: true } : {}),
    }),
  );
  const inherited = inheritedRules().map(([id, rule]): CatalogueEntry => {
    const override = SPECTRAL_OVERRIDES[id];
    return {
      id,
      clause: override?.clause ?? 'open-api',
      severity: override?.severity ?? severityOf(rule.severity),
      description: rule.description ?? rule.message ?? id,
      ...(override ? { why: override.why } : {}),
      source: 'spectral:oas',
      docs: docsUrlOf(id),
    };
  });
  const engine = Object.entries(ENGINE_CODES).map(
    ([id, code]): CatalogueEntry => ({ id, ...code, source: 'spectral-core', docs: docsUrlOf(id) }),
  );
  return [...council, ...inherited, ...engine];
}

/** Every rule that can produce a finding, Council rules first. */
export const RULE_CATALOGUE: readonly CatalogueEntry[] = buildCatalogue();

const BY_ID = new Map(RULE_CATALOGUE.map((entry) => [entry.id, entry]));

export function ruleOf(id: string): CatalogueEntry | undefined {
  return BY_ID.get(id);
}

/** What a profile contributes to a lint: the operations a council's contract requires. */
export interface LintProfile {
  readonly id: string;
  readonly requiredOperations: readonly string[];
  /** operationIds that serve the datasets the profile classifies public: they need an open licence. */
  readonly publicOperations?: readonly string[];
}

/** The options a rule's function is given when a profile is linted against. */
function profileOptionsOf(rule: CouncilRule, profile: LintProfile): Record<string, unknown> | undefined {
  if (rule.needsProfile) return { profile: profile.id, operations: [...profile.requiredOperations] };
  if (rule.readsProfile)
    return { profile: profile.id, publicOperations: [...(profile.publicOperations ?? [])] };
  return undefined;
}

/**
 * The Spectral ruleset: Spectral's recommended `oas` rules with the overrides above, plus every Council
 * rule, each carrying its clause (`extensions.clause`) and documentation link.
 */
export function createCouncilRuleset(options: { profile?: LintProfile } = {}): RulesetDefinition {
  const rules: Record<string, RuleDefinition | Severity | 'off'> = {};
  for (const [id, rule] of Object.entries(COUNCIL_RULES) as [string, CouncilRule][]) {
    if (rule.needsProfile && !options.profile) continue;
    const functionOptions = options.profile ? profileOptionsOf(rule, options.profile) : undefined;
    const then = functionOptions && !Array.isArray(rule.then) ? { ...rule.then, functionOptions } : rule.then;
    rules[id] = {
      description: rule.description,
      severity: rule.severity,
      given: rule.given,
      resolved: rule.resolved,
      then,
      // Without a message Spectral would show the description; our functions word each finding themselves.
      message: rule.message ?? '{{error}}',
      documentationUrl: docsUrlOf(id),
      extensions: { clause: rule.clause },
    };
  }
  const inherited = oas.rules as unknown as Record<string, RuleDefinition>;
  for (const [id, override] of Object.entries(SPECTRAL_OVERRIDES)) {
    const original = inherited[id];
    if ((override.replaceFunction || override.formats || override.resolved) && original) {
      rules[id] = {
        ...original,
        severity: override.severity,
        ...(override.replaceFunction ? { then: override.replaceFunction } : {}),
        ...(override.formats ? { formats: override.formats } : {}),
        ...(override.resolved ? { resolved: true } : {}),
        documentationUrl: docsUrlOf(id),
        extensions: { clause: override.clause },
      };
    } else {
      rules[id] = override.severity;
    }
  }
  return {
    description: 'Council API ruleset: the Local Gov Digital Procurement Checklist as lint rules',
    documentationUrl: DOCS_URL,
    extends: [[oas as RulesetDefinition, 'recommended']],
    // Spectral's aliases (#OperationObject, #ArrayProperties…), so overridden oas rules keep their `given`.
    aliases: (oas as { aliases?: RulesetDefinition['aliases'] }).aliases,
    rules,
  } as RulesetDefinition;
}
