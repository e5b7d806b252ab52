export const CLAUSE_IDS = [
  'open-api',
  'public-data',
  'personal-data',
  'no-advertising',
  'right-to-data',
  'easy-exit',
  'inclusion',
  'secure',
  'seamless',
  'transparent',
  'no-discrimination',
  'open-standards',
  'no-lock-in',
  'no-bundling',
] as const;

export type ClauseId = (typeof CLAUSE_IDS)[number];

/**
 * `automated`: a machine can judge it from the API alone. `attested`: only a signed supplier statement can
 * speak to it. `both`: checks judge part of it and an attestation covers the rest. A report always says
 * which applied, so nobody mistakes an attestation for a passed test.
 */
export type Assessment = 'automated' | 'attested' | 'both';

export interface Clause {
  readonly id: ClauseId;
  /** Position in the checklist, 1–14. */
  readonly number: number;
  readonly title: string;
  /** What the clause requires of a supplier's API, in plain English. */
  readonly requirement: string;
  readonly assessment: Assessment;
  /** What evidence satisfies it: the checks' subject matter and, where attested, what the supplier signs. */
  readonly evidence: {
    readonly automated?: string;
    readonly attested?: string;
  };
}

/** A wider procurement ask councils raised beside the checklist, mapped to the clause it strengthens. */
export interface ProcurementAsk {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly strengthens: ClauseId;
}
