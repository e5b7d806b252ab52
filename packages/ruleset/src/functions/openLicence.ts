import { classificationOf, isObject, operationsOf } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/** Licences that meet the Open Definition for data, by SPDX identifier, URL or name. */
const OPEN_IDENTIFIERS =
  /^(OGL-UK-[23]\.0|CC0-1\.0|CC-BY-[1-4]\.0|CC-BY-SA-[1-4]\.0|ODbL-1\.0|ODC-By-1\.0|PDDL-1\.0)$/i;
const OPEN_URLS = [
  /nationalarchives\.gov\.uk\/doc\/open-government-licence/i,
  /creativecommons\.org\/licenses\/by(-sa)?\//i,
  /creativecommons\.org\/publicdomain\/(zero|mark)\//i,
  /opendatacommons\.org\/licenses\/(odbl|by|pddl)/i,
];
const OPEN_NAMES = [
  /open government licen[cs]e/i,
  /\bOGL\b/,
  /^CC[- ]?0\b|creative commons zero|public domain/i,
  /^(CC[- ]BY|creative commons attribution)(?![-\w ]*(non-?commercial|no-?deriv|\bNC\b|\bND\b))/i,
  /open database licen[cs]e|\bODbL\b|\bPDDL\b|ODC[- ]By/i,
];
const RESTRICTED = /non-?commercial|no-?deriv|\bBY-NC|\bBY-ND|-NC-|-ND-|\/by-nc|\/by-nd/i;

export interface OpenLicenceOptions {
  readonly profile: string;
  /** operationIds that serve the datasets the profile classifies public. */
  readonly publicOperations: readonly string[];
}

/**
 * Public data is published under an open licence (the Open Government Licence or an equivalent). Public
 * data is what the description classifies public, or what the profile linted against calls public. An
 * operation that merely lacks security is not thereby public data (a lettings log anyone can call is a
 * security gap, not open data), and other rules report it.
 */
export const openLicence = createRulesetFunction<unknown, OpenLicenceOptions | null>(
  {
    input: { type: 'object' },
    options: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['profile', 'publicOperations'],
      properties: {
        profile: { type: 'string' },
        publicOperations: { type: 'array', items: { type: 'string' } },
      },
    },
  },
  function openLicence(document, options) {
    if (!isObject(document)) return [];
    const profilePublic = new Set(options?.publicOperations ?? []);
    const servesPublicData = operationsOf(document).some(
      (op) =>
        classificationOf(op.operation) === 'public' ||
        (typeof op.operation.operationId === 'string' && profilePublic.has(op.operation.operationId)),
    );
    if (!servesPublicData) return [];
    const info = isObject(document.info) ? document.info : {};
    const licence = info.license;
    const results: IFunctionResult[] = [];
    if (!isObject(licence)) {
      results.push({
        message:
          'Public data is served but no licence is declared: add `info.license` with the Open Government Licence v3.0 (identifier OGL-UK-3.0) or an equivalent open licence.',
        path: isObject(document.info) ? ['info'] : [],
      });
      return results;
    }
    const fields = ['identifier', 'url', 'name']
      .map((key) => licence[key])
      .filter((value): value is string => typeof value === 'string');
    const restricted = fields.some((value) => RESTRICTED.test(value));
    const open =
      !restricted &&
      fields.some(
        (value) =>
          OPEN_IDENTIFIERS.test(value) ||
          OPEN_URLS.some((pattern) => pattern.test(value)) ||
          OPEN_NAMES.some((pattern) => pattern.test(value)),
      );
    if (!open) {
      results.push({
        message: `Licence "${fields.join(' ') || '(unnamed)'}" is not an open data licence${restricted ? ' (non-commercial and no-derivatives terms are not open)' : ''}: public data needs the Open Government Licence v3.0 or an equivalent (CC BY 4.0, CC0, ODbL).`,
        path: ['info', 'license'],
      });
    }
    return results;
  },
);
