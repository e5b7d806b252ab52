import type { JsonObject } from '@council-conform/openapi';
import { createRulesetFunction } from '../spectral.ts';

/** OpenAPI 3.1 is what the baseline is written in; 3.0 is read, with a nudge to move on. */
export const openApiVersion = createRulesetFunction<JsonObject, null>(
  { input: { type: 'object' }, options: null },
  function openApiVersion(input) {
    const version = input.openapi;
    if (typeof version === 'string' && /^3\.1\.\d+$/.test(version)) return [];
    const shown = typeof version === 'string' ? version : JSON.stringify(version);
    const why = /^3\.0(\.\d+)?$/.test(String(version))
      ? 'OpenAPI 3.0 is accepted, but the Council API Baseline is OpenAPI 3.1: move to 3.1 (JSON Schema 2020-12, webhooks, `$ref` siblings)'
      : 'the Council API Baseline is OpenAPI 3.1 and this version is not one the ruleset was written for';
    return [{ message: `openapi: ${shown}: ${why}.`, path: ['openapi'] }];
  },
);
