import type { FaultId } from '@council-conform/mocks';
import type { Expectation } from '../expectation.ts';

export const OPEN_API_EXPECTATIONS: Partial<Record<FaultId, Expectation>> = {
  'description-missing': {
    caughtBy: [
      'description-discoverable',
      'description-valid',
      'description-covers-profile',
      'description-lints-clean',
      'responses-match-description',
    ],
    alsoFails: { 'personal-data-not-in-urls': 'with no description there are no parameters to vouch for' },
  },
  'description-not-openapi': {
    caughtBy: ['description-discoverable'],
    alsoFails: {
      'description-valid': 'nothing to validate',
      'description-covers-profile': 'nothing to compare',
      'description-lints-clean': 'nothing to lint',
      'responses-match-description': 'nothing to compare',
      'personal-data-not-in-urls': 'with no description there are no parameters to vouch for',
    },
  },
  'description-lies-about-shape': {
    caughtBy: ['responses-match-description'],
    alsoFails: {
      'description-lints-clean': 'the examples no longer match the schema the description claims',
    },
  },
  'description-undocumented-errors': { caughtBy: ['description-lints-clean'] },
  'optional-operation-pretends': { caughtBy: ['optional-operations-honest'] },
  'description-missing-operations': {
    caughtBy: ['description-covers-profile'],
    alsoFails: { 'responses-match-description': 'an answered operation is not described' },
  },
  'nonstandard-field-names': {
    caughtBy: ['responses-match-reference'],
    alsoFails: {
      'right-to-data-export-fidelity': 'the API renames a field the export keeps',
      'description-lints-clean': 'the description’s examples still use the standard name',
    },
  },
  // Faults in the served description that the ruleset sees too: `conform lint` would have warned the supplier.
  'no-licence': { caughtBy: [], alsoFails: { 'description-lints-clean': 'the ruleset asks for a licence' } },
  'personal-query-parameter': {
    caughtBy: [],
    alsoFails: { 'description-lints-clean': 'the ruleset forbids personal data in URLs' },
  },
  'non-semantic-version': {
    caughtBy: [],
    alsoFails: { 'description-lints-clean': 'the ruleset asks for a semantic version and a changelog' },
  },
  'no-changelog': {
    caughtBy: [],
    alsoFails: { 'description-lints-clean': 'the ruleset asks for a changelog' },
  },
  'deprecated-without-sunset': {
    caughtBy: [],
    alsoFails: { 'description-lints-clean': 'the ruleset asks deprecated operations for a sunset' },
  },
  // Faults in error answers reach the plain refusal of an operation that is not offered as well.
  'html-errors-with-stack-trace': {
    caughtBy: [],
    alsoFails: { 'optional-operations-honest': 'its 501 for an operation not offered is HTML too' },
  },
  'errors-not-problem-json': {
    caughtBy: [],
    alsoFails: { 'optional-operations-honest': 'its 501 for an operation not offered is not problem+json' },
  },
};
