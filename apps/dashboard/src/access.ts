import type { Actor, PrincipalKind } from './principals-store.ts';

/**
 * Every write the dashboard takes, and who may do it to what. One table, so that a route cannot forget a rule
 * and docs/dashboard.md can print it.
 */
export const ACTIONS = {
  'publish-report': {
    who: ['administrator', 'certifier', 'supplier'],
    owned: 'supplier',
    text: 'publish a signed report (a supplier only for its own products)',
  },
  'register-key': {
    who: ['administrator', 'certifier', 'supplier'],
    owned: 'supplier',
    text: 'register a signing key (a supplier only its own, pending approval)',
  },
  'revoke-key': {
    who: ['administrator', 'certifier', 'supplier'],
    owned: 'supplier',
    text: 'revoke a signing key (a supplier only its own)',
  },
  'claim-company-number': {
    who: ['administrator', 'certifier', 'supplier'],
    owned: 'supplier',
    text: 'claim a Companies House number (a supplier only for itself, pending approval)',
  },
  'open-dispute': {
    who: ['supplier'],
    owned: 'supplier',
    text: 'dispute a check of a report (only the supplier whose product it is)',
  },
  'import-register': {
    who: ['administrator', 'council'],
    owned: 'council',
    text: 'import a contracts register (a council only its own)',
  },
  'decide-dispute': { who: ['administrator', 'certifier'], owned: null, text: 'decide a dispute' },
  'link-contract': { who: ['administrator', 'certifier'], owned: null, text: 'link a contract to a product' },
  review: {
    who: ['administrator', 'certifier'],
    owned: null,
    text: 'see and approve or reject pending keys and Companies House numbers',
  },
  'release-report': {
    who: ['administrator'],
    owned: null,
    text: 'list a report held for review (a self-assessment replacing a certificate)',
  },
  'manage-principals': {
    who: ['administrator'],
    owned: null,
    text: 'add principals; issue, rotate and revoke credentials',
  },
} as const satisfies Record<
  string,
  { who: readonly PrincipalKind[]; owned: 'supplier' | 'council' | null; text: string }
>;
export type Action = keyof typeof ACTIONS;

/** What an action is done to: the supplier or council that owns it, where the action has an owner. */
export interface Target {
  readonly supplierId?: string | undefined;
  readonly councilCode?: string | undefined;
  /** Named in the refusal, so the caller sees what it asked for. */
  readonly label?: string;
}

export type Permission = { readonly allowed: true } | { readonly allowed: false; readonly detail: string };

const KIND_TEXT: Record<PrincipalKind, string> = {
  administrator: 'an administrator',
  certifier: 'a certifier',
  supplier: 'a supplier',
  council: 'a council',
};

/**
 * Whether `actor` may do `action` to `target`. Administrators and certifiers act for LOTI on anyone's object;
 * a supplier or council only on its own.
 */
export function permits(actor: Actor, action: Action, target: Target = {}): Permission {
  const rule = ACTIONS[action];
  const { principal } = actor;
  if (!(rule.who as readonly PrincipalKind[]).includes(principal.kind))
    return {
      allowed: false,
      detail: `${principal.name} is ${KIND_TEXT[principal.kind]}, and only ${rule.who.map((k) => KIND_TEXT[k]).join(' or ')} may ${rule.text}`,
    };
  if (
    rule.owned === 'supplier' &&
    principal.kind === 'supplier' &&
    target.supplierId !== principal.supplierId
  )
    return {
      allowed: false,
      detail: `${principal.name} may act only for itself, not for ${target.label ?? 'another supplier'}`,
    };
  if (
    rule.owned === 'council' &&
    principal.kind === 'council' &&
    target.councilCode !== principal.councilCode
  )
    return {
      allowed: false,
      detail: `${principal.name} (${principal.councilCode}) may act only for its own council, not ${target.councilCode ?? 'another'}`,
    };
  return { allowed: true };
}
