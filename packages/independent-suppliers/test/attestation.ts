import type { Attestation } from '@council-conform/runner';

/**
 * One attestation, signed for every supplier alike, with a statement for each clause judged wholly or partly
 * by attestation. What is judged here is the automated part; the statements only let a run reach gold.
 */
export function attestationFor(product: string): Attestation {
  return {
    supplier: 'Independent Suppliers Test Consortium',
    product,
    signedBy: { name: 'Sam Example', role: 'Chief Technology Officer' },
    date: '2026-12-01',
    statements: [
      {
        clause: 'personal-data',
        statement:
          'We process council data only as processor under a data processing agreement and list our sub-processors.',
      },
      {
        clause: 'no-advertising',
        statement: 'No council or resident data is used for advertising or profiling, or sold to anyone.',
      },
      {
        clause: 'easy-exit',
        statement:
          'There are no exit fees, and we give a full export and handover assistance at contract end.',
      },
      {
        clause: 'inclusion',
        statement: 'Our public-facing pages meet WCAG 2.2 AA, shown by an independent audit this year.',
      },
      {
        clause: 'secure',
        statement: 'We hold Cyber Essentials Plus and commission a CREST penetration test every year.',
      },
      {
        clause: 'transparent',
        statement: 'We give six months’ notice of breaking API changes and publish a changelog.',
      },
      {
        clause: 'no-discrimination',
        statement:
          'An equality impact assessment was completed; no algorithm makes decisions about residents.',
      },
      {
        clause: 'no-lock-in',
        statement: 'The contract does not auto-renew and puts no licence restriction on the council’s data.',
      },
      {
        clause: 'no-bundling',
        statement: 'Each module is priced separately and works with other suppliers’ modules.',
      },
    ],
  };
}
